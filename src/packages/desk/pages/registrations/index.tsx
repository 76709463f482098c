import { useEffect, useState } from 'react'
import { REGISTRATION_STATUS_LABELS, type ListItem, type RegistrationStatus } from '@contracts/members'
import { BatchBar, DataTable, DeskLayout, useDeskGate, type Column } from '@/features/desk'
import { membersApi, residenceLine, servicesText } from '@/features/register'
import { dateTime } from '../../common/format'
import { tableProps, useDeskList } from '../../common/useDeskList'
import { OutcomeNote, summaryOf, useBatchWork } from './outcomes'
import '../../common/lists.scss'
import './index.scss'

/**
 * 管理后台 · 报到审核 (PC, H5 only): the community's registrations (`members.list`), 待审核 by
 * default (oldest first), with 已通过 and 已驳回; the district admin (or staff of several
 * communities) picks the community. Rows still 待审核 are selected for 批量通过 / 批量驳回
 * (`members.reviewMany`: the phone's review, per registration; one reason for all when rejecting);
 * each row then shows its outcome (已通过 or why not) and the list reloads. 详情 opens a row's details
 * in place.
 */
export default function DeskRegistrationsPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='registrations' title='报到审核'>
      <RegistrationsBody />
    </DeskLayout>
  )
}

/** The filter's views (docs/back-office.md §4): the review queue, and the two outcomes. */
const VIEWS: { status: RegistrationStatus; label: string }[] = [
  { status: 'pending', label: '待审核' },
  { status: 'approved', label: '已通过' },
  { status: 'rejected', label: '已驳回' }
]

type Filters = { status: RegistrationStatus; communityId: string; q: string }

/** The communities the caller may pick from (members.stats names those they serve; the district admin: all). */
function useCommunities(): { id: string; name: string }[] {
  const [communities, setCommunities] = useState<{ id: string; name: string }[]>([])
  useEffect(() => {
    let live = true
    void membersApi.stats({}).then((reply) => {
      if (live && reply.ok) setCommunities(reply.data.communities.map((c) => ({ id: c.communityId, name: c.communityName })))
    })
    return () => {
      live = false
    }
  }, [])
  return communities
}

function RegistrationsBody() {
  const list = useDeskList<ListItem, Filters>(
    ({ page, pageSize, sort, filters }) =>
      membersApi.list({
        page,
        pageSize,
        status: filters.status,
        ...(filters.communityId ? { communityId: filters.communityId } : {}),
        ...(filters.q ? { q: filters.q } : {}),
        ...(sort ? { sort: { field: sort.field as 'submittedAt' | 'reviewedAt', order: sort.order } } : {})
      }),
    { status: 'pending', communityId: '', q: '' }
  )
  const communities = useCommunities()
  const work = useBatchWork<ListItem>((r) => r.id)
  const [rejecting, setRejecting] = useState(false)
  const [reason, setReason] = useState('')
  const [search, setSearch] = useState('')
  const [open, setOpen] = useState<string | null>(null)
  const { filters } = list
  const setFilters = (patch: Partial<Filters>) => {
    work.reset()
    setRejecting(false)
    list.setFilters(patch)
  }

  const decide = (decision: 'approve' | 'reject') =>
    work.run(
      list.rows,
      (registrationIds) => membersApi.reviewMany({ registrationIds, decision, ...(decision === 'reject' ? { reason: reason.trim() } : {}) }),
      (r) => ({ ...r, status: decision === 'approve' ? 'approved' : 'rejected', ...(decision === 'reject' ? { rejectReason: reason.trim() } : {}) }),
      () => {
        setRejecting(false)
        setReason('')
        list.reload()
      }
    )

  const manyCommunities = communities.length > 1
  const columns: Column<ListItem>[] = [
    {
      key: 'name',
      title: '姓名',
      width: '110PX',
      render: (r) => (
        <>
          {r.name}
          {r.transferFrom ? <span className='desk-list__tag'>转入</span> : null}
        </>
      )
    },
    { key: 'mobile', title: '手机号', width: '120PX', render: (r) => r.mobileMasked },
    ...(manyCommunities ? [{ key: 'community', title: '社区', width: '110PX', render: (r: ListItem) => r.communityName }] : []),
    { key: 'residence', title: '居住地', render: (r) => residenceLine(r) },
    { key: 'workUnit', title: '工作单位', render: (r) => r.workUnit },
    { key: 'submittedAt', title: '提交时间', sortField: 'submittedAt', width: '150PX', render: (r) => dateTime(r.submittedAt) },
    ...(filters.status === 'pending'
      ? []
      : [{ key: 'reviewedAt', title: '审核时间', sortField: 'reviewedAt', width: '150PX', render: (r: ListItem) => dateTime(r.reviewedAt) }]),
    {
      key: 'status',
      title: '状态',
      width: '80PX',
      render: (r) => (
        <span className={r.status === 'pending' ? 'desk-list__tag desk-list__tag--warn' : r.status === 'approved' ? 'desk-list__tag desk-list__tag--ok' : 'desk-list__tag'}>
          {REGISTRATION_STATUS_LABELS[r.status]}
        </span>
      )
    },
    {
      key: 'detail',
      title: '详情',
      width: '70PX',
      render: (r) => (
        <button type='button' className='desk-button desk-button--plain' aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? null : r.id)}>
          {open === r.id ? '收起' : '详情'}
        </button>
      )
    }
  ]

  const rowNote = (r: ListItem) => {
    const outcome = work.outcomeOf(r)
    const details = open === r.id ? <Details r={r} /> : null
    if (!outcome && !details) return null
    return (
      <>
        <OutcomeNote result={outcome} okText={r.status === 'rejected' ? '已驳回' : '已通过'} />
        {details}
      </>
    )
  }

  const summary = summaryOf(work.outcomes)
  return (
    <div className='desk-list' data-testid='desk-registrations'>
      <BatchBar count={work.selected.size} onClear={() => work.setSelected(new Set())}>
        {rejecting ? (
          <span className='desk-list__reason'>
            <input aria-label='驳回原因' placeholder='请填写未通过的原因（将告知报到人）' maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
            <button type='button' className='desk-button' disabled={!reason.trim() || work.busy} onClick={() => void decide('reject')}>
              确认驳回
            </button>
            <button type='button' className='desk-button desk-button--plain' onClick={() => setRejecting(false)}>
              取消
            </button>
          </span>
        ) : (
          <>
            <button type='button' className='desk-button' disabled={work.busy} onClick={() => void decide('approve')}>
              {work.busy ? '正在处理…' : '批量通过'}
            </button>
            <button type='button' className='desk-button desk-button--plain' disabled={work.busy} onClick={() => setRejecting(true)}>
              批量驳回
            </button>
          </>
        )}
      </BatchBar>
      {summary ? (
        <div className='desk-list__sub' role='status' data-testid='desk-batch-summary'>
          {summary}
        </div>
      ) : null}
      <DataTable
        name='registrations'
        label='报到审核'
        rowKey={(r) => r.id}
        columns={columns}
        empty={filters.status === 'pending' ? '暂无待审核的报到' : '暂无记录'}
        rowNote={rowNote}
        {...tableProps(list)}
        rows={work.rowsWith(list.rows)}
        onPage={(page, pageSize) => {
          work.reset()
          list.onPage(page, pageSize)
        }}
        selected={work.selected}
        onSelect={work.setSelected}
        // A row the last batch acted on waits for the next view (one refused may have been decided elsewhere meanwhile).
        canSelect={(r) => r.status === 'pending' && !work.outcomeOf(r)}
        toolbar={
          <>
            <label className='desk-field'>
              状态
              <select value={filters.status} onChange={(e) => setFilters({ status: e.target.value as RegistrationStatus })}>
                {VIEWS.map((v) => (
                  <option key={v.status} value={v.status}>
                    {v.label}
                  </option>
                ))}
              </select>
            </label>
            {manyCommunities ? (
              <label className='desk-field'>
                社区
                <select value={filters.communityId} onChange={(e) => setFilters({ communityId: e.target.value })}>
                  <option value=''>全部社区</option>
                  {communities.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            <form
              className='desk-field desk-list__search'
              onSubmit={(e) => {
                e.preventDefault()
                setFilters({ q: search.trim() })
              }}
            >
              <input aria-label='搜索' placeholder='姓名、工作单位、党组织或完整手机号' maxLength={40} value={search} onChange={(e) => setSearch(e.target.value)} />
              <button type='submit' className='desk-button desk-button--plain'>
                搜索
              </button>
            </form>
          </>
        }
      />
    </div>
  )
}

/** A registration's details in place (what the phone's review page shows before a decision). */
function Details({ r }: { r: ListItem }) {
  const rows: [string, string][] = [
    ['居住地', `${r.communityName} ${residenceLine(r)}`],
    ['工作单位', r.workUnit],
    ['所在党组织', r.partyOrg],
    ['技能特长', r.skills.join('、') || '—'],
    ['服务意向', servicesText(r.services) || '—'],
    ...(r.transferFrom ? ([['转入自', r.transferFrom.communityName]] as [string, string][]) : []),
    ...(r.placement ? ([['编入', `${r.placement.branch.name} · ${r.placement.partyGroup.name}`]] as [string, string][]) : []),
    ...(r.reviewerName ? ([['审核人', `${r.reviewerName} ${dateTime(r.reviewedAt)}`]] as [string, string][]) : []),
    ...(r.rejectReason ? ([['未通过原因', r.rejectReason]] as [string, string][]) : [])
  ]
  return (
    <dl className='desk-list__details' data-testid='desk-registration-details'>
      {rows.map(([k, v]) => (
        <span key={k} className='desk-list__detail'>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </span>
      ))}
    </dl>
  )
}
