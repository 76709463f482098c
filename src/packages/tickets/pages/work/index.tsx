import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { BigButton, Check, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import type { ReplyError } from '@contracts/reply'
import type { TicketFilter, TicketSummary } from '@contracts/tickets'
import { Chips, TicketCard, ticketsApi } from '@/features/tickets'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../pages.scss'

type Scope = 'queue' | 'mine' | 'compound'
type Status = TicketFilter | 'all'
const PAGE_SIZE = 20

const QUEUE_FILTERS: { value: Status; label: string }[] = [
  { value: 'submitted', label: '待受理' },
  { value: 'accepted', label: '处理中' },
  { value: 'open', label: '未办结' },
  { value: 'overdue', label: '已超时' },
  { value: 'resolved', label: '待确认' },
  { value: 'closed', label: '已办结' },
  { value: 'all', label: '全部' }
]
const RESIDENT_FILTERS: { value: Status; label: string }[] = [
  { value: 'all', label: '全部' },
  // 我的 → 我的报事 opens here: its count is of these (办理中 and 待我评价)
  { value: 'unfinished', label: '未办结' },
  { value: 'open', label: '办理中' },
  { value: 'resolved', label: '待我评价' },
  { value: 'closed', label: '已办结' }
]

/**
 * 三方联动: the parties' work queue (property staff, owners' committee, community staff, the
 * district) and the residents' own reports and their compound's (public form).
 */
export default function TicketsWorkPage() {
  const params = useRouter().params
  const asked = params.scope as Scope | undefined
  // Back here after sign-in with both: 首页's 待办工单 opens on a scope and a status.
  const hasPersona = useRequirePersona(urlOf('ticketsWork', { scope: asked, status: params.status }))
  const { me } = useMe({ enabled: hasPersona })
  const party = hasRole(me, 'property_staff') || hasRole(me, 'committee') || hasRole(me, 'staff') || hasRole(me, 'district_admin')
  const [scope, setScope] = useState<Scope>()
  const [status, setStatus] = useState<Status>('submitted')
  const [leadOnly, setLeadOnly] = useState(true)
  const [items, setItems] = useState<TicketSummary[]>([])
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<ReplyError>()
  const seq = useRef(0)

  useEffect(() => {
    if (!me || scope) return
    // `?scope=` (e.g. 我的 → 我的报事 opens `mine`), when the viewer has that list
    const allowed: Scope[] = [...(party ? (['queue'] as Scope[]) : []), 'mine', ...(me.profile.gridId ? (['compound'] as Scope[]) : [])]
    const first = asked && allowed.includes(asked) ? asked : party ? 'queue' : 'mine'
    setScope(first)
    // `?status=` (首页's 待办工单 tile opens on the filter its count is of)
    const filters = first === 'queue' ? QUEUE_FILTERS : RESIDENT_FILTERS
    const askedStatus = filters.find((f) => f.value === params.status)?.value
    setStatus(askedStatus ?? (first === 'queue' ? 'submitted' : 'all'))
    // community staff oversee every party's work; the others start with their own
    setLeadOnly(hasRole(me, 'property_staff') || hasRole(me, 'committee'))
  }, [me, scope, party, asked, params.status])

  const load = useCallback(
    async (next: number) => {
      if (!scope) return
      const mine = ++seq.current
      setLoading(true)
      const reply = await ticketsApi.list({
        scope,
        status: status === 'all' ? undefined : status,
        leadOnly: scope === 'queue' ? leadOnly : undefined,
        page: next,
        pageSize: PAGE_SIZE
      })
      if (mine !== seq.current) return
      setLoading(false)
      Taro.stopPullDownRefresh()
      if (!reply.ok) return setError(reply.error)
      setError(undefined)
      setItems((prev) => (next === 1 ? reply.data.items : [...prev, ...reply.data.items]))
      setTotal(reply.data.total)
      setPage(next)
    },
    [scope, status, leadOnly]
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
  useReachBottom(() => {
    if (!loading && items.length < total) void load(page + 1)
  })

  const scopes = useMemo(() => {
    const list: { value: Scope; label: string }[] = []
    if (party) list.push({ value: 'queue', label: hasRole(me, 'district_admin') ? '全区工单' : '我的待办' })
    list.push({ value: 'mine', label: '我反映的' })
    if (me?.profile.gridId) list.push({ value: 'compound', label: '本小区' })
    return list
  }, [me, party])

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!me || !scope) return <PageContainer><LoadingState /></PageContainer>
  const filters = scope === 'queue' ? QUEUE_FILTERS : RESIDENT_FILTERS
  const staffLike = hasRole(me, 'staff') || hasRole(me, 'district_admin')

  const sweep = async () => {
    const reply = await ticketsApi.sweep()
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none' })
    Taro.showToast({ title: `督办${reply.data.escalated}件，自动办结${reply.data.autoClosed}件`, icon: 'none', duration: 2500 })
    void load(1)
  }

  return (
    <PageContainer>
      <View className='tk-links'>
        <View className='tk-link' onClick={() => go('ticketsCreate')}>
          <Text className='tk-link__badge'>报</Text>
          <Text className='tk-link__text'>我要报事</Text>
        </View>
        <View className='tk-link' onClick={() => go('ticketsWishes')}>
          <Text className='tk-link__badge'>愿</Text>
          <Text className='tk-link__text'>微心愿</Text>
        </View>
        <View className='tk-link' onClick={() => go('districtRanking')}>
          <Text className='tk-link__badge'>榜</Text>
          <Text className='tk-link__text'>红黑榜</Text>
        </View>
        <View className='tk-link' onClick={() => go('ticketsDeeds')}>
          <Text className='tk-link__badge'>实</Text>
          <Text className='tk-link__text'>办实事</Text>
        </View>
      </View>
      {scopes.length > 1 ? (
        <Chips
          options={scopes}
          value={scope}
          onChange={(s) => {
            setScope(s)
            setStatus(s === 'queue' ? 'submitted' : 'all')
          }}
        />
      ) : null}
      <Chips options={filters} value={status} onChange={setStatus} />
      {scope === 'queue' && !hasRole(me, 'district_admin') ? (
        <Check checked={leadOnly} onChange={setLeadOnly}>
          只看我方牵头办理的
        </Check>
      ) : null}
      {scope === 'compound' ? <Text className='tk-note'>这里是本小区居民反映的问题（不显示电话，姓名仅在本人同意时显示）。</Text> : null}
      {error && !items.length ? (
        <ErrorState error={error} onRetry={() => void load(1)} />
      ) : loading && !items.length ? (
        <LoadingState />
      ) : !items.length ? (
        <EmptyState title={scope === 'queue' ? '没有需要处理的问题' : '还没有反映过问题'} description={scope === 'queue' ? '新的问题会通过微信提醒您' : '遇到停车、下水道、楼道杂物等问题，点“我要报事”'}>
          {scope !== 'queue' ? <BigButton onClick={() => go('ticketsCreate')}>我要报事</BigButton> : null}
        </EmptyState>
      ) : (
        <View>
          <Text className='tk-count'>共 {total} 件</Text>
          {items.map((t) => (
            <TicketCard key={t._id} ticket={t} onClick={() => go('ticketsDetail', { id: t._id })} />
          ))}
          {items.length < total ? (
            <BigButton fill='outline' loading={loading} onClick={() => void load(page + 1)}>
              加载更多
            </BigButton>
          ) : null}
        </View>
      )}
      {scope === 'queue' && staffLike ? (
        <View className='tk-buttons'>
          <BigButton fill='outline' onClick={() => void sweep()}>
            检查超时并督办
          </BigButton>
          {hasRole(me, 'district_admin') ? (
            <BigButton fill='outline' onClick={() => go('ticketsRules')}>
              派单规则与时限
            </BigButton>
          ) : null}
        </View>
      ) : null}
    </PageContainer>
  )
}
