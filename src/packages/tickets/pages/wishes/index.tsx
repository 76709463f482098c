import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import type { ReplyError } from '@contracts/reply'
import type { Wish, WishFilter } from '@contracts/wishes'
import { Chips, WishCard, wishesApi } from '@/features/tickets'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../pages.scss'

type Scope = 'open' | 'mine' | 'claimed' | 'community' | 'review'
type Status = WishFilter | 'all'
const PAGE_SIZE = 30
/** Status chips of my own lists; 我的 opens them on the filter its count is of (`?status=`). */
const STATUS_FILTERS: Partial<Record<Scope, { value: Status; label: string }[]>> = {
  mine: [
    { value: 'all', label: '全部' },
    { value: 'unfinished', label: '未完成' }
  ],
  claimed: [
    { value: 'all', label: '全部' },
    { value: 'claimed', label: '进行中' }
  ]
}

/**
 * 微心愿: residents post a small wish; in-service party members of the community claim and fulfil
 * it; the resident confirms and the member's time counts as volunteer service hours.
 */
export default function WishesPage() {
  const params = useRouter().params
  const asked = params.scope as Scope | undefined
  const hasPersona = useRequirePersona(urlOf('ticketsWishes', { scope: asked, status: params.status }))
  const { me } = useMe({ enabled: hasPersona })
  const member = hasRole(me, 'member')
  const staff = hasRole(me, 'staff') || hasRole(me, 'district_admin')
  const [scope, setScope] = useState<Scope>()
  const [status, setStatus] = useState<Status>('all')
  const [items, setItems] = useState<Wish[]>([])
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<ReplyError>()
  const seq = useRef(0)

  const scopes = useMemo(() => {
    const list: { value: Scope; label: string }[] = []
    if (member || me?.profile.communityId) list.push({ value: 'open', label: '待认领' })
    list.push({ value: 'mine', label: '我发布的' })
    if (member) list.push({ value: 'claimed', label: '我认领的' })
    if (staff) list.push({ value: 'review', label: '待审核' }, { value: 'community', label: '社区全部' })
    return list
  }, [me, member, staff])

  useEffect(() => {
    if (!me || scope) return
    // `?scope=` (我的 → 我的心愿 opens `mine` or `claimed`), when the viewer has that list
    const first = asked && scopes.some((s) => s.value === asked) ? asked : staff ? 'review' : member ? 'open' : 'mine'
    setScope(first)
    setStatus(STATUS_FILTERS[first]?.find((f) => f.value === params.status)?.value ?? 'all')
  }, [me, scope, member, staff, asked, scopes, params.status])
  const statusFilters = scope ? STATUS_FILTERS[scope] : undefined
  const filter = statusFilters && status !== 'all' ? status : undefined
  const changeScope = (next: Scope) => {
    setStatus('all')
    setScope(next)
  }

  const load = useCallback(
    async (next: number) => {
      if (!scope) return
      const mine = ++seq.current
      setLoading(true)
      const reply = await wishesApi.list({ scope, ...(filter ? { status: filter } : {}), page: next, pageSize: PAGE_SIZE })
      if (mine !== seq.current) return
      setLoading(false)
      Taro.stopPullDownRefresh()
      if (!reply.ok) return setError(reply.error)
      setError(undefined)
      setItems((prev) => (next === 1 ? reply.data.items : [...prev, ...reply.data.items]))
      setTotal(reply.data.total)
      setPage(next)
    },
    [scope, filter]
  )
  useEffect(() => {
    void load(1)
  }, [load])
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current) void load(1)
    shown.current = true
  })
  usePullDownRefresh(() => void load(1))

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!me || !scope) return <PageContainer><LoadingState /></PageContainer>

  return (
    <PageContainer>
      <View className='tp__hero'>
        <Text className='tp__hero-title'>微心愿 · 我为群众办实事</Text>
        <Text className='tp__hero-sub'>买药、陪诊、换灯泡……写下您的小心愿，社区党员来帮您</Text>
      </View>
      <View className='tk-buttons'>
        <BigButton onClick={() => go('ticketsWishNew')}>发布心愿</BigButton>
      </View>
      <Chips options={scopes} value={scope} onChange={changeScope} />
      {statusFilters ? <Chips options={statusFilters} value={status} onChange={setStatus} /> : null}
      {error && !items.length ? (
        <ErrorState error={error} onRetry={() => void load(1)} />
      ) : loading && !items.length ? (
        <LoadingState />
      ) : !items.length ? (
        filter ? (
          <EmptyState title={filter === 'claimed' ? '没有进行中的心愿' : '没有未完成的心愿'}>
            <BigButton fill='outline' onClick={() => setStatus('all')}>
              看全部
            </BigButton>
          </EmptyState>
        ) : (
          <EmptyState
            title={scope === 'open' ? '暂时没有待认领的心愿' : scope === 'claimed' ? '您还没有认领心愿' : scope === 'review' ? '没有待审核的心愿' : scope === 'mine' ? '您还没有发布过心愿' : '还没有心愿'}
            description={scope === 'claimed' ? '在“待认领”里挑一个您能帮上忙的心愿' : scope === 'mine' ? '需要帮忙时，点上面的“发布心愿”' : undefined}
          >
            {scope === 'claimed' ? <BigButton onClick={() => changeScope('open')}>看看待认领的心愿</BigButton> : null}
          </EmptyState>
        )
      ) : (
        <View>
          <Text className='tk-count'>{scope === 'review' ? `共 ${total} 个待审核，先提交的在前，点开审核` : `共 ${total} 个`}</Text>
          {items.map((w) => (
            <WishCard key={w._id} wish={w} onClick={() => go('ticketsWish', { id: w._id })} />
          ))}
          {items.length < total ? (
            <BigButton fill='outline' loading={loading} onClick={() => void load(page + 1)}>
              加载更多
            </BigButton>
          ) : null}
        </View>
      )}
      <View className='tk-buttons'>
        <BigButton fill='outline' onClick={() => go('ticketsDeeds')}>
          我为群众办实事台账
        </BigButton>
      </View>
    </PageContainer>
  )
}
