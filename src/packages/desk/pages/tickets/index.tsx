import { useEffect, useState } from 'react'
import {
  TICKET_CATEGORIES,
  TICKET_CATEGORY_LABELS,
  TICKET_STATUS_LABELS,
  type TicketCategory,
  type TicketDetail,
  type TicketFilter,
  type TicketSummary
} from '@contracts/tickets'
import { ticketsApi } from '@/features/tickets'
import { DataTable, DeskLayout, useDeskGate, type Column } from '@/features/desk'
import { dateTime } from '../../common/format'
import { tableProps, useDeskList } from '../../common/useDeskList'
import '../../common/lists.scss'

/**
 * 管理后台 · 问题反映 (PC, H5 only): the caller's work queue (`tickets.list` scope `queue`: the server
 * scopes it to the compounds where the caller is a party — staff, property, committee; the
 * district admin sees all), sortable by report time and deadline, filtered by status and
 * category; a row opens its details (`tickets.get`) beside the table, and the phone page.
 */
export default function DeskTicketsPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='tickets' title='问题反映'>
      <TicketsBody />
    </DeskLayout>
  )
}

const FILTER_LABELS: Record<TicketFilter, string> = {
  unfinished: '未办结',
  open: '待处理（待受理和处理中）',
  overdue: '已超时',
  submitted: TICKET_STATUS_LABELS.submitted,
  accepted: TICKET_STATUS_LABELS.accepted,
  resolved: TICKET_STATUS_LABELS.resolved,
  closed: TICKET_STATUS_LABELS.closed
}

function TicketsBody() {
  const list = useDeskList<TicketSummary, { status: '' | TicketFilter; category: '' | TicketCategory }>(
    ({ page, pageSize, sort, filters }) =>
      ticketsApi.list({
        scope: 'queue',
        page,
        pageSize,
        status: filters.status || undefined,
        category: filters.category || undefined,
        ...(sort ? { sort: { field: sort.field as 'createdAt' | 'resolveBy', order: sort.order } } : {})
      }),
    { status: '', category: '' }
  )
  const [open, setOpen] = useState<string | null>(null)
  const columns: Column<TicketSummary>[] = [
    {
      key: 'id',
      title: '编号',
      width: '110PX',
      render: (t) => (
        <button type='button' className='desk-table__sort' aria-expanded={open === t._id} onClick={() => setOpen(open === t._id ? null : t._id)}>
          <span className='desk-list__title'>{t._id}</span>
        </button>
      )
    },
    { key: 'category', title: '类别', width: '90PX', render: (t) => TICKET_CATEGORY_LABELS[t.category] },
    { key: 'place', title: '小区 · 楼栋', render: (t) => `${t.gridName}${t.buildingName ? ` · ${t.buildingName}` : ''}` },
    { key: 'description', title: '问题描述', render: (t) => (t.description.length > 30 ? `${t.description.slice(0, 30)}…` : t.description) },
    { key: 'party', title: '牵头方', render: (t) => t.partyName },
    {
      key: 'status',
      title: '状态',
      width: '110PX',
      render: (t) => (
        <span className={t.overdue ? 'desk-list__tag desk-list__tag--warn' : t.status === 'closed' ? 'desk-list__tag desk-list__tag--ok' : 'desk-list__tag'}>
          {TICKET_STATUS_LABELS[t.status]}
          {t.overdue ? ' · 已超时' : ''}
        </span>
      )
    },
    { key: 'createdAt', title: '反映时间', sortField: 'createdAt', width: '140PX', render: (t) => dateTime(t.createdAt) },
    { key: 'resolveBy', title: '办结时限', sortField: 'resolveBy', width: '140PX', render: (t) => dateTime(t.resolveBy) }
  ]
  const { filters, setFilters } = list
  return (
    <div className='desk-list'>
      <DataTable
        name='tickets'
        label='问题反映'
        rowKey={(t) => t._id}
        columns={columns}
        empty='暂无问题反映'
        rowNote={(t) => (open === t._id ? <TicketPanel ticketId={t._id} onClose={() => setOpen(null)} /> : null)}
        {...tableProps(list)}
        toolbar={
          <>
            <label className='desk-field'>
              状态
              <select value={filters.status} onChange={(e) => setFilters({ status: e.target.value as '' | TicketFilter })}>
                <option value=''>全部</option>
                {(Object.keys(FILTER_LABELS) as TicketFilter[]).map((s) => (
                  <option key={s} value={s}>
                    {FILTER_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
            <label className='desk-field'>
              类别
              <select value={filters.category} onChange={(e) => setFilters({ category: e.target.value as '' | TicketCategory })}>
                <option value=''>全部</option>
                {TICKET_CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {TICKET_CATEGORY_LABELS[c]}
                  </option>
                ))}
              </select>
            </label>
          </>
        }
      />
    </div>
  )
}

/** A ticket's details under its row (`tickets.get`), with the phone page for acting on it. */
function TicketPanel({ ticketId, onClose }: { ticketId: string; onClose: () => void }) {
  const [detail, setDetail] = useState<TicketDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    void ticketsApi.get({ ticketId }).then((reply) => {
      if (!live) return
      if (reply.ok) setDetail(reply.data)
      else setError(reply.error.message)
    })
    return () => {
      live = false
    }
  }, [ticketId])
  return (
    <section className='desk-panel' aria-label={`问题反映${ticketId}的详情`} data-testid='desk-ticket-detail'>
      <div className='desk-panel__head'>
        <h2 className='desk-panel__title'>问题反映 {ticketId}</h2>
        <span className='desk-list__actions'>
          <a href={`#/packages/tickets/pages/detail/index?id=${encodeURIComponent(ticketId)}`} target='_blank' rel='noopener'>
            在处理页面打开
          </a>
          <button type='button' className='desk-button desk-button--plain' onClick={onClose}>
            收起
          </button>
        </span>
      </div>
      {error ? <div className='desk-list__outcome desk-list__outcome--error'>{error}</div> : null}
      {!detail && !error ? <div className='desk-list__sub'>正在加载…</div> : null}
      {detail ? (
        <>
          <dl className='desk-panel__facts'>
            <dt>社区 · 小区</dt>
            <dd>
              {detail.communityName} · {detail.gridName}
              {detail.buildingName ? ` · ${detail.buildingName}` : ''}
            </dd>
            <dt>反映人</dt>
            <dd>
              {detail.reporter ? `${detail.reporter.name}${detail.reporter.mobile ? ` ${detail.reporter.mobile}` : ''}` : detail.reporterName}
            </dd>
            <dt>问题描述</dt>
            <dd>{detail.description}</dd>
            <dt>受理时限</dt>
            <dd>{dateTime(detail.acceptBy)}</dd>
            <dt>办结时限</dt>
            <dd>{dateTime(detail.resolveBy)}</dd>
            <dt>照片</dt>
            <dd>{detail.photos.length ? `${detail.photos.length}张` : '无'}</dd>
          </dl>
          <ol className='desk-panel__events'>
            {detail.events.map((e) => (
              <li key={e._id}>
                {dateTime(e.at)} {e.actorName}
                {e.to ? ` → ${TICKET_STATUS_LABELS[e.to]}` : ''}
                {e.note ? `：${e.note}` : ''}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  )
}
