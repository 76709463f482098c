import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { RecordStatus, ServiceRecord } from '@contracts/activities'
import { activitiesApi, Chips, duration, enteredByOf, RecordRow, Sheet, type SheetField, usePaged } from '@/features/volunteer'
import { useMe, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { urlOf } from '@/services/routes'
import '../volunteer.scss'

type Filter = RecordStatus | 'all'
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'pending', label: '待审核' },
  { value: 'all', label: '全部' },
  { value: 'approved', label: '已认定' },
  { value: 'adjusted', label: '已调整' },
  { value: 'declined', label: '不予认定' },
  { value: 'open', label: '服务中' }
]

type Dialog = { kind: 'adjust' | 'decline'; record: ServiceRecord } | { kind: 'makeUp' } | null
const toast = (title: string) => void Taro.showToast({ title, icon: 'none', duration: 2500 })

/**
 * The organiser verifies each record (谁组织谁记录): approve, adjust with a reason (capped at the
 * activity's length), or decline with a reason; and adds make-up hours for someone who served
 * without scanning. Nothing is ever deleted; every decision stays in the record's history.
 * Four eyes: nobody decides on their own record, and a make-up entry waits (待审核) for a staff
 * member other than who entered it (or the district admin); the page lists those for the others
 * and offers no decision on them to the person who entered them.
 */
export default function RecordsPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('volunteerRecords', { id }))
  const [filter, setFilter] = useState<Filter>('pending')
  const [dialog, setDialog] = useState<Dialog>(null)
  const [busy, setBusy] = useState(false)
  const { me } = useMe({ enabled: hasPersona })
  const { data: activity, reload: reloadActivity } = useCall(() => activitiesApi.get({ activityId: id }), [id, hasPersona])
  const list = usePaged((page) => activitiesApi.records({ activityId: id, page, pageSize: 50, ...(filter !== 'all' ? { status: filter } : {}) }), [id, filter], hasPersona)
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())

  const refresh = () => {
    void list.reload()
    void reloadActivity()
  }
  const approve = async (record: ServiceRecord) => {
    const reply = await activitiesApi.verify({ recordId: record._id, decision: 'approve' })
    if (!reply.ok) return toast(reply.error.message)
    toast(`已认定 ${record.name} ${duration(reply.data.verifiedMinutes)}`)
    refresh()
  }
  /** Why the caller may not decide on this record (four eyes), if so. */
  const notMine = (r: ServiceRecord): string | undefined => {
    if (!me) return undefined
    if (r.openid === me.openid) return '这是您本人的服务时长，须由其他工作人员认定'
    if (enteredByOf(r) === me.openid) return '由您补录，须由其他工作人员或区级管理员认定'
    return undefined
  }
  const approveAll = async () => {
    const pending = list.items.filter((r) => r.status === 'pending' && !r.autoClosed && !r.makeUp && !notMine(r))
    const sure = await Taro.showModal({ title: '批量认定', content: `认定本页${pending.length}条按时签到签退的记录？（未签退的记录请逐条核实）`, confirmText: '认定' })
    if (!sure.confirm) return
    setBusy(true)
    let done = 0
    for (const r of pending) {
      const reply = await activitiesApi.verify({ recordId: r._id, decision: 'approve' })
      if (reply.ok) done++
    }
    setBusy(false)
    toast(`已认定${done}条`)
    refresh()
  }

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  const pendingHere = list.items.filter((r) => r.status === 'pending' && !r.autoClosed && !r.makeUp && !notMine(r)).length
  const makeUpsForMe = list.items.filter((r) => r.makeUp && r.status === 'pending' && !notMine(r)).length
  const makeUpsByMe = list.items.filter((r) => r.makeUp && r.status === 'pending' && me && enteredByOf(r) === me.openid).length
  const fields: SheetField[] =
    dialog?.kind === 'adjust'
      ? [
          { key: 'minutes', label: '认定时长（分钟）', number: true, initial: String(dialog.record.minutes) },
          { key: 'reason', label: '调整理由', placeholder: '例如：中途离开约半小时', multiline: true }
        ]
      : dialog?.kind === 'decline'
        ? [{ key: 'reason', label: '不予认定的理由', placeholder: '例如：签到后未参加服务', multiline: true }]
        : [
            { key: 'code', label: '志愿者码或志愿者编号', placeholder: '例如 SFQ000123' },
            { key: 'minutes', label: '补录时长（分钟，不超过活动时长）', number: true },
            { key: 'reason', label: '补录理由', placeholder: '例如：老人无智能手机，全程参加', multiline: true }
          ]

  return (
    <PageContainer>
      {activity ? (
        <View>
          <Text className='vp__head'>{activity.title}</Text>
          {activity.stats ? (
            <Text className='vp__sub'>
              签到{activity.stats.checkedIn}人 · 待审核{activity.stats.pendingRecords}条{activity.stats.openRecords ? ` · 服务中${activity.stats.openRecords}人` : ''}
            </Text>
          ) : null}
        </View>
      ) : null}
      <Chips options={FILTERS} value={filter} onChange={setFilter} />
      {makeUpsForMe ? (
        <Text className='vt-notice' onClick={() => void Taro.navigateTo({ url: urlOf('volunteerMakeUps') })}>
          {`有${makeUpsForMe}条其他工作人员补录的时长待您复核认定（补录须由补录人以外的人认定）。查看各活动待复核的补录 ›`}
        </Text>
      ) : null}
      {makeUpsByMe ? <Text className='vt-notice'>{`您补录的${makeUpsByMe}条时长待其他工作人员或区级管理员认定，认定前不计入志愿者时长`}</Text> : null}
      <View className='vp__buttons'>
        {pendingHere > 1 ? (
          <BigButton loading={busy} onClick={() => void approveAll()}>
            批量认定按时签退的{pendingHere}条
          </BigButton>
        ) : null}
        {activity && activity.phase !== 'open' && activity.phase !== 'closed' ? (
          <BigButton fill='outline' onClick={() => setDialog({ kind: 'makeUp' })}>
            补录时长
          </BigButton>
        ) : null}
      </View>
      {list.error && !list.items.length ? (
        <ErrorState error={list.error} onRetry={() => void list.reload()} />
      ) : list.loading && !list.items.length ? (
        <LoadingState />
      ) : !list.items.length ? (
        <EmptyState title={filter === 'pending' ? '没有待审核的记录' : '暂无记录'} />
      ) : (
        <Section title={`共 ${list.total} 条`} subtitle='未签退的记录已按活动结束时间计，请核实'>
          {list.items.map((r) => (
            <RecordRow
              key={r._id}
              record={r}
              showName
              note={notMine(r)}
              actions={
                r.status === 'open' || notMine(r)
                  ? []
                  : [
                      ...(r.status !== 'approved' ? [{ label: '认定', onClick: () => void approve(r) }] : []),
                      { label: '调整', onClick: () => setDialog({ kind: 'adjust', record: r }) },
                      ...(r.status !== 'declined' ? [{ label: '不予认定', onClick: () => setDialog({ kind: 'decline', record: r }) }] : [])
                    ]
              }
            />
          ))}
        </Section>
      )}
      {list.hasMore ? (
        <View className='vt-more'>
          <BigButton fill='outline' loading={list.loading} onClick={() => void list.more()}>
            加载更多
          </BigButton>
        </View>
      ) : null}
      <Sheet
        open={dialog !== null}
        title={dialog?.kind === 'adjust' ? `调整 ${dialog.record.name} 的时长` : dialog?.kind === 'decline' ? `不予认定 ${dialog.record.name}` : '补录服务时长'}
        fields={fields}
        onClose={() => setDialog(null)}
        onConfirm={async (v) => {
          if (!dialog) return
          const minutes = Number(v.minutes)
          let reply
          if (dialog.kind === 'adjust') reply = await activitiesApi.verify({ recordId: dialog.record._id, decision: 'adjust', minutes, reason: v.reason.trim() })
          else if (dialog.kind === 'decline') reply = await activitiesApi.verify({ recordId: dialog.record._id, decision: 'decline', reason: v.reason.trim() })
          else reply = await activitiesApi.makeUp({ activityId: id, memberCode: v.code.trim(), minutes, reason: v.reason.trim() })
          if (!reply.ok) return reply.error.fields?.length ? `${reply.error.message}` : reply.error.message
          setDialog(null)
          toast(dialog.kind === 'makeUp' ? '已补录，待其他工作人员认定' : '已保存')
          refresh()
        }}
      />
    </PageContainer>
  )
}
