import { useState } from 'react'
import { ACTIVITY_KIND_LABELS, ACTIVITY_PHASE_LABELS, SIGNUP_STATUS_LABELS, SIGNUP_STATUSES, type ActivityKind, type ActivitySummary, type SignUpStatus } from '@contracts/activities'
import { activitiesApi } from '@/features/volunteer'
import { DataTable, DeskLayout, useDeskGate, type Column } from '@/features/desk'
import { useMe } from '@/features/session'
import { dateTime } from '../../common/format'
import { tableProps, useDeskList } from '../../common/useDeskList'
import '../../common/lists.scss'

/**
 * 管理后台 · 志愿活动 (PC, H5 only): the activities (`activities.list`, sortable by start), and the
 * roster of the one chosen (`activities.roster`, sortable by the time of signing up: organisers
 * only; masked numbers).
 */
export default function DeskActivitiesPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='activities' title='志愿活动'>
      <ActivitiesBody />
    </DeskLayout>
  )
}

type When = 'upcoming' | 'past' | 'all'
const WHEN_LABELS: Record<When, string> = { upcoming: '未结束', past: '已结束', all: '全部' }

function ActivitiesBody() {
  const { me } = useMe()
  const own = me?.scopes.communityIds ?? []
  const list = useDeskList<ActivitySummary, { when: When; kind: '' | ActivityKind; includeCancelled: boolean; communityId: string }>(
    ({ page, pageSize, sort, filters }) =>
      activitiesApi.list({
        page,
        pageSize,
        when: filters.when,
        kind: filters.kind || undefined,
        includeCancelled: filters.includeCancelled,
        communityId: filters.communityId || undefined,
        ...(sort ? { sort: { field: sort.field as 'start', order: sort.order } } : {})
      }),
    { when: 'all', kind: '', includeCancelled: false, communityId: '' }
  )
  const [chosen, setChosen] = useState<ActivitySummary | null>(null)
  const columns: Column<ActivitySummary>[] = [
    { key: 'title', title: '活动', render: (a) => <span className='desk-list__title'>{a.title}</span> },
    { key: 'kind', title: '类型', width: '90PX', render: (a) => ACTIVITY_KIND_LABELS[a.kind] },
    { key: 'start', title: '开始时间', sortField: 'start', width: '150PX', render: (a) => dateTime(a.start) },
    { key: 'place', title: '地点', render: (a) => a.place.name },
    { key: 'community', title: '组织方', render: (a) => a.communityName },
    { key: 'count', title: '报名 / 名额', width: '100PX', render: (a) => `${a.confirmedCount} / ${a.capacity}${a.waitingCount ? `（候补${a.waitingCount}）` : ''}` },
    { key: 'phase', title: '状态', width: '80PX', render: (a) => <span className={a.phase === 'cancelled' ? 'desk-list__tag desk-list__tag--warn' : 'desk-list__tag'}>{ACTIVITY_PHASE_LABELS[a.phase]}</span> },
    {
      key: 'roster',
      title: '报名名单',
      width: '100PX',
      render: (a) => (
        <button type='button' className='desk-button desk-button--plain' aria-pressed={chosen?._id === a._id} onClick={() => setChosen(a)}>
          查看名单
        </button>
      )
    }
  ]
  const { filters, setFilters } = list
  return (
    <div className='desk-list'>
      <DataTable
        name='activities'
        label='志愿活动'
        rowKey={(a) => a._id}
        columns={columns}
        empty='暂无活动'
        {...tableProps(list)}
        toolbar={
          <>
            <label className='desk-field'>
              时间
              <select value={filters.when} onChange={(e) => setFilters({ when: e.target.value as When })}>
                {(Object.keys(WHEN_LABELS) as When[]).map((w) => (
                  <option key={w} value={w}>
                    {WHEN_LABELS[w]}
                  </option>
                ))}
              </select>
            </label>
            <label className='desk-field'>
              类型
              <select value={filters.kind} onChange={(e) => setFilters({ kind: e.target.value as '' | ActivityKind })}>
                <option value=''>全部</option>
                {(Object.keys(ACTIVITY_KIND_LABELS) as ActivityKind[]).map((k) => (
                  <option key={k} value={k}>
                    {ACTIVITY_KIND_LABELS[k]}
                  </option>
                ))}
              </select>
            </label>
            {own.length ? (
              <label className='desk-field'>
                <input type='checkbox' checked={!!filters.communityId} onChange={(e) => setFilters({ communityId: e.target.checked ? own[0] : '' })} />
                仅本社区
              </label>
            ) : null}
            <label className='desk-field'>
              <input type='checkbox' checked={filters.includeCancelled} onChange={(e) => setFilters({ includeCancelled: e.target.checked })} />
              含已取消
            </label>
          </>
        }
      />
      {chosen ? <Roster key={chosen._id} activity={chosen} onClose={() => setChosen(null)} /> : null}
    </div>
  )
}

type RosterEntry = { openid: string; name: string; mobile?: string; status: SignUpStatus; position?: number; signedUpAt: string; walkIn: boolean; checkedInAt?: string; checkedOutAt?: string }

function Roster({ activity, onClose }: { activity: ActivitySummary; onClose: () => void }) {
  const list = useDeskList<RosterEntry, { status: '' | SignUpStatus }>(
    ({ page, pageSize, sort, filters }) =>
      activitiesApi.roster({
        activityId: activity._id,
        page,
        pageSize,
        status: filters.status || undefined,
        ...(sort ? { sort: { field: sort.field as 'signedUpAt', order: sort.order } } : {})
      }),
    { status: '' }
  )
  const columns: Column<RosterEntry>[] = [
    { key: 'name', title: '姓名', render: (r) => r.name + (r.walkIn ? '（现场加入）' : '') },
    { key: 'mobile', title: '手机号', render: (r) => r.mobile ?? '—' },
    { key: 'status', title: '报名状态', render: (r) => SIGNUP_STATUS_LABELS[r.status] + (r.position ? `（第${r.position}位）` : '') },
    { key: 'signedUpAt', title: '报名时间', sortField: 'signedUpAt', render: (r) => dateTime(r.signedUpAt) },
    { key: 'in', title: '签到', render: (r) => dateTime(r.checkedInAt) },
    { key: 'out', title: '签退', render: (r) => dateTime(r.checkedOutAt) }
  ]
  return (
    <section className='desk-panel' aria-label='报名名单' data-testid='desk-roster'>
      <div className='desk-panel__head'>
        <h2 className='desk-panel__title'>报名名单 · {activity.title}</h2>
        <button type='button' className='desk-button desk-button--plain' onClick={onClose}>
          收起
        </button>
      </div>
      <DataTable
        name='roster'
        label={`${activity.title}的报名名单`}
        rowKey={(r) => r.openid}
        columns={columns}
        empty='还没有人报名'
        {...tableProps(list)}
        toolbar={
          <label className='desk-field'>
            报名状态
            <select value={list.filters.status} onChange={(e) => list.setFilters({ status: e.target.value as '' | SignUpStatus })}>
              <option value=''>全部</option>
              {SIGNUP_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {SIGNUP_STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
        }
      />
    </section>
  )
}
