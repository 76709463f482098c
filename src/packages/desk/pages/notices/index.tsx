import { useEffect, useState } from 'react'
import { NOTICE_STATUS_LABELS, NOTICE_STATUSES, type NoticeStatus, type NoticeSummary } from '@contracts/notices'
import { noticesApi } from '@/features/notices'
import { DataTable, DeskLayout, useDeskGate, type Column } from '@/features/desk'
import { dateTime } from '../../common/format'
import { tableProps, useDeskList } from '../../common/useDeskList'
import '../../common/lists.scss'

/**
 * 管理后台 · 通知公告 (PC, H5 only): the notices the caller manages (`notices.list` view `manage`,
 * sortable by publish time), each with its read coverage (`notices.readStats`: 已读 n / 应读 m).
 */
export default function DeskNoticesPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='notices' title='通知公告'>
      <NoticesBody />
    </DeskLayout>
  )
}

function NoticesBody() {
  const list = useDeskList<NoticeSummary, { status: '' | NoticeStatus; q: string }>(
    ({ page, pageSize, sort, filters }) =>
      noticesApi.list({ view: 'manage', page, pageSize, status: filters.status || undefined, q: filters.q || undefined, ...(sort ? { sort: { field: sort.field as 'publishAt', order: sort.order } } : {}) }),
    { status: '', q: '' }
  )
  const [q, setQ] = useState('')
  const columns: Column<NoticeSummary>[] = [
    {
      key: 'title',
      title: '标题',
      render: (n) => (
        <span className='desk-list__title'>
          {n.pinned ? '【置顶】' : ''}
          {n.important ? '【重要】' : ''}
          {n.title}
        </span>
      )
    },
    { key: 'category', title: '类别', width: '90PX', render: (n) => n.categoryLabel },
    { key: 'audience', title: '发布范围', render: (n) => n.audienceLabel ?? '—' },
    { key: 'publishAt', title: '发布时间', sortField: 'publishAt', width: '140PX', render: (n) => dateTime(n.publishAt) },
    { key: 'status', title: '状态', width: '80PX', render: (n) => <span className={n.status === 'withdrawn' ? 'desk-list__tag desk-list__tag--warn' : 'desk-list__tag'}>{NOTICE_STATUS_LABELS[n.status]}</span> },
    { key: 'coverage', title: '阅读情况', width: '240PX', render: (n) => <Coverage noticeId={n.noticeId} readCount={n.readCount ?? 0} /> }
  ]
  const { filters, setFilters } = list
  return (
    <div className='desk-list'>
      <DataTable
        name='notices'
        label='通知公告'
        rowKey={(n) => n.noticeId}
        columns={columns}
        empty='暂无通知'
        {...tableProps(list)}
        toolbar={
          <>
            <label className='desk-field'>
              状态
              <select value={filters.status} onChange={(e) => setFilters({ status: e.target.value as '' | NoticeStatus })}>
                <option value=''>全部</option>
                {NOTICE_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {NOTICE_STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
            <form
              className='desk-field'
              onSubmit={(e) => {
                e.preventDefault()
                setFilters({ q: q.trim() })
              }}
            >
              <input aria-label='搜索标题或正文' placeholder='搜索标题或正文' maxLength={40} value={q} onChange={(e) => setQ(e.target.value)} />
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

/**
 * The read coverage of one notice. Each row asks `notices.readStats` once; a page's rows wait in one
 * queue, two at a time, so a page of 100 does not send 100 calls at once.
 */
function Coverage({ noticeId, readCount }: { noticeId: string; readCount: number }) {
  const [stats, setStats] = useState<{ read: number; audience: number; rate: number } | null>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    let live = true
    void queued(() => noticesApi.readStats({ noticeId })).then((reply) => {
      if (!live) return
      if (reply.ok) setStats({ read: reply.data.read, audience: reply.data.audience, rate: reply.data.rate })
      else setFailed(true)
    })
    return () => {
      live = false
    }
  }, [noticeId])
  if (!stats) return <span className='desk-coverage__text'>{failed ? `已读 ${readCount}` : '统计中…'}</span>
  const percent = Math.round(stats.rate * 100)
  return (
    <span className='desk-coverage' data-testid='desk-coverage' title={`阅读率 ${percent}%`}>
      <span className='desk-coverage__bar' role='progressbar' aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label='阅读率'>
        <span className='desk-coverage__fill' style={{ width: `${percent}%` }} />
      </span>
      <span className='desk-coverage__text'>
        已读 {stats.read} / 应读 {stats.audience}
      </span>
    </span>
  )
}

const WORKERS = 2
let running = 0
const waiting: (() => void)[] = []
async function queued<T>(task: () => Promise<T>): Promise<T> {
  // A finished task hands its slot to the next in line (so `running` never exceeds WORKERS).
  if (running >= WORKERS) await new Promise<void>((resolve) => waiting.push(resolve))
  else running++
  try {
    return await task()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}
