import { useCallback, useEffect, useRef, useState } from 'react'
import { Input, Picker, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { CommunityStructure, ListItem, RegistrationStatus, StatsOutput } from '@contracts/members'
import type { ReplyError } from '@contracts/reply'
import { ChoiceChips, membersApi, openWorkbook, RegistrationCard } from '@/features/register'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes, urlOf } from '@/services/routes'
import '@/features/register/components/register.scss'

const PAGE_SIZE = 20
const TABS: { value: RegistrationStatus | 'all'; label: string }[] = [
  { value: 'pending', label: '待审核' },
  { value: 'approved', label: '已报到' },
  { value: 'rejected', label: '未通过' },
  { value: 'all', label: '全部' }
]

interface Filters {
  status: RegistrationStatus | 'all'
  gridId?: string
  buildingId?: string
  q?: string
}

/**
 * 报到管理 for community staff (and district admin, community by community): the review queue
 * first, then every registration of the community — searched, filtered by compound and building,
 * paged — with the community's figures, its printable 报到码 and the .xlsx export.
 */
export default function RegisterReviewPage() {
  const hasPersona = useRequirePersona(routes.registerReview)
  const { me } = useMe({ enabled: hasPersona })
  const isAdmin = hasRole(me, 'district_admin')
  const isStaff = hasRole(me, 'staff')
  const [stats, setStats] = useState<StatsOutput>()
  const [communityId, setCommunityId] = useState<string>()
  const [structure, setStructure] = useState<CommunityStructure>()
  const [filters, setFilters] = useState<Filters>({ status: 'pending' })
  const [query, setQuery] = useState('')
  const [items, setItems] = useState<ListItem[]>([])
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<ReplyError>()
  const [exporting, setExporting] = useState(false)
  const seq = useRef(0)

  const loadStats = useCallback(async () => {
    const reply = await membersApi.stats()
    if (!reply.ok) return setError(reply.error)
    setStats(reply.data)
    setCommunityId((current) => current ?? reply.data.communities[0]?.communityId)
  }, [])

  const load = useCallback(
    async (nextPage: number) => {
      if (!communityId) return
      const mine = ++seq.current
      setLoading(true)
      const reply = await membersApi.list({
        communityId,
        status: filters.status === 'all' ? undefined : filters.status,
        gridId: filters.gridId,
        buildingId: filters.buildingId,
        q: filters.q || undefined,
        page: nextPage,
        pageSize: PAGE_SIZE
      })
      if (mine !== seq.current) return
      setLoading(false)
      if (!reply.ok) return setError(reply.error)
      setError(undefined)
      setItems((prev) => (nextPage === 1 ? reply.data.items : [...prev, ...reply.data.items]))
      setTotal(reply.data.total)
      setPage(nextPage)
    },
    [communityId, filters]
  )

  useEffect(() => {
    if (hasPersona && (isStaff || isAdmin)) void loadStats()
  }, [hasPersona, isStaff, isAdmin, loadStats])
  useEffect(() => {
    void load(1)
  }, [load])
  useEffect(() => {
    if (!communityId) return
    setStructure(undefined)
    void membersApi.structure({ communityId }).then((reply) => reply.ok && setStructure(reply.data))
  }, [communityId])
  // Back from a review: the queue and the figures have changed.
  const shown = useRef(false)
  useDidShow(() => {
    if (!shown.current) {
      shown.current = true
      return
    }
    void loadStats()
    void load(1)
  })
  usePullDownRefresh(() => {
    void Promise.all([loadStats(), load(1)]).finally(() => Taro.stopPullDownRefresh())
  })
  useReachBottom(() => {
    if (!loading && items.length < total) void load(page + 1)
  })

  if (!hasPersona || !me) return <PageContainer><LoadingState /></PageContainer>
  if (!isStaff && !isAdmin) return <PageContainer><ErrorState error={{ message: '报到管理仅限社区工作人员使用' }} /></PageContainer>
  if (error && !stats) return <PageContainer><ErrorState error={error} onRetry={() => void loadStats()} /></PageContainer>
  if (!stats || !communityId) return <PageContainer><LoadingState /></PageContainer>

  const row = stats.communities.find((c) => c.communityId === communityId)
  const grid = structure?.grids.find((g) => g.id === filters.gridId)
  const communityIndex = Math.max(0, stats.communities.findIndex((c) => c.communityId === communityId))
  const gridNames = ['全部小区', ...(structure?.grids.map((g) => g.name) ?? [])]
  const gridIndex = filters.gridId ? (structure?.grids.findIndex((g) => g.id === filters.gridId) ?? -1) + 1 : 0

  const exportList = async () => {
    setExporting(true)
    const reply = await membersApi.export({
      communityId,
      status: filters.status === 'all' ? undefined : filters.status,
      gridId: filters.gridId,
      buildingId: filters.buildingId,
      q: filters.q || undefined
    })
    setExporting(false)
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none' })
    Taro.showToast({ title: `已导出${reply.data.rows}条`, icon: 'success' })
    await openWorkbook(reply.data).catch(() => Taro.showToast({ title: '文件打开失败，请重试', icon: 'none' }))
  }

  return (
    <PageContainer>
      {stats.communities.length > 1 ? (
        <Picker mode='selector' range={stats.communities.map((c) => c.communityName)} value={communityIndex} onChange={(e) => { setCommunityId(stats.communities[Number(e.detail.value)].communityId); setFilters({ status: filters.status }) }}>
          <View className='rg-select' data-testid='community-picker'>
            <Text>{row?.communityName}</Text>
            <Text className='rg-select__arrow'>切换社区 ▾</Text>
          </View>
        </Picker>
      ) : (
        <View className='rg-hero'>
          <Text className='rg-hero__title'>{row?.communityName}在职党员报到</Text>
        </View>
      )}
      <View className='rg-figures'>
        <View className='rg-figure'>
          <Text className='rg-figure__value'>{row?.approved ?? 0}</Text>
          <Text className='rg-figure__label'>已报到</Text>
        </View>
        <View className={`rg-figure${row?.pending ? ' rg-figure--on' : ''}`} onClick={() => setFilters({ status: 'pending' })}>
          <Text className='rg-figure__value' data-testid='pending-count'>{row?.pending ?? 0}</Text>
          <Text className='rg-figure__label'>待审核</Text>
        </View>
        <View className='rg-figure'>
          <Text className='rg-figure__value'>{row?.registered ?? 0}</Text>
          <Text className='rg-figure__label'>报到合计</Text>
        </View>
      </View>
      <View className='rg-tools'>
        <View className='rg-tool' onClick={() => void Taro.navigateTo({ url: urlOf('registerPoster', { communityId }) })} data-testid='open-poster'>
          <Text className='rg-tool__badge'>码</Text>
          <Text className='rg-tool__text'>报到码海报</Text>
        </View>
        <View className='rg-tool' onClick={() => !exporting && void exportList()}>
          <Text className='rg-tool__badge'>导</Text>
          <Text className='rg-tool__text'>{exporting ? '正在导出…' : '导出名单'}</Text>
        </View>
        <View className='rg-tool' onClick={() => go('registerProgress')}>
          <Text className='rg-tool__badge'>进</Text>
          <Text className='rg-tool__text'>报到进度</Text>
        </View>
      </View>

      <Section title='报到名单' subtitle={`共${total}人`}>
        <ChoiceChips options={TABS} value={filters.status} small onChange={(v) => setFilters({ ...filters, status: v as Filters['status'] })} testid='tab' />
        <View className='rg-search'>
          <Input className='rg-search__input' value={query} placeholder='姓名、工作单位或完整11位手机号' confirmType='search' onInput={(e) => setQuery(e.detail.value)} onConfirm={() => setFilters({ ...filters, q: query.trim() })} />
          <Text className='rg-search__button' onClick={() => setFilters({ ...filters, q: query.trim() })}>
            搜索
          </Text>
        </View>
        <Picker mode='selector' range={gridNames} value={gridIndex} onChange={(e) => { const i = Number(e.detail.value); setFilters({ ...filters, gridId: i === 0 ? undefined : structure?.grids[i - 1].id, buildingId: undefined }) }}>
          <View className='rg-select'>
            <Text>{gridNames[gridIndex] ?? '全部小区'}</Text>
            <Text className='rg-select__arrow'>按小区筛选 ▾</Text>
          </View>
        </Picker>
        {grid ? (
          <ChoiceChips
            options={[{ value: '', label: '全部楼栋' }, ...grid.buildings.map((b) => ({ value: b.id, label: b.name }))]}
            value={filters.buildingId ?? ''}
            small
            onChange={(v) => setFilters({ ...filters, buildingId: (v as string) || undefined })}
          />
        ) : null}
      </Section>

      <View style={{ marginTop: '12px' }}>
        {items.map((item) => (
          <RegistrationCard key={item.id} item={item} onOpen={() => void Taro.navigateTo({ url: urlOf('registerDetail', { id: item.id }) })} />
        ))}
        {!loading && items.length === 0 ? (
          <EmptyState title={filters.status === 'pending' ? '没有待审核的报到' : '没有符合条件的记录'} description={filters.status === 'pending' ? '新的报到提交后会出现在这里' : undefined} />
        ) : null}
        {error && stats ? <Text className='rg-warn'>{error.message}</Text> : null}
        {loading ? <Text className='rg-more'>正在加载…</Text> : items.length < total ? (
          <Text className='rg-more' onClick={() => void load(page + 1)}>
            加载更多（还有{total - items.length}人）
          </Text>
        ) : items.length > 0 ? (
          <Text className='rg-more'>已全部显示</Text>
        ) : null}
      </View>
    </PageContainer>
  )
}
