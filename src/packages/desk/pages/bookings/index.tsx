import { useState } from 'react'
import { BOOKING_STATUS_LABELS, BOOKING_STATUSES, type BookingStatus } from '@contracts/centerLabels'
import type { BookingView } from '@contracts/centerList'
import { centersApi } from '@/features/centers'
import { DataTable, DeskLayout, useDeskGate, type Column } from '@/features/desk'
import { timeOf } from '@/services/time'
import { dateTime } from '../../common/format'
import { tableProps, useDeskList } from '../../common/useDeskList'
import '../../common/lists.scss'

/**
 * 管理后台 · 场地预约 (PC, H5 only): the bookings of the staff member's centres (`centers.bookings`,
 * sortable by time), filtered by status and day, with 通过 / 不通过 on those waiting for review
 * (`centers.review`, the same action as the phone's) and each row's outcome under it.
 */
export default function DeskBookingsPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='bookings' title='场地预约'>
      <BookingsBody />
    </DeskLayout>
  )
}

type StatusFilter = '' | BookingStatus | 'active'
type Outcome = { ok: true; text: string } | { ok: false; text: string }

function BookingsBody() {
  const list = useDeskList<BookingView, { status: StatusFilter; date: string }>(
    ({ page, pageSize, sort, filters }) =>
      centersApi.bookings({ page, pageSize, status: filters.status || undefined, date: filters.date || undefined, ...(sort ? { sort: { field: sort.field as 'start', order: sort.order } } : {}) }),
    { status: '', date: '' }
  )
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({})
  const [rejecting, setRejecting] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState<string | null>(null)

  const decide = async (booking: BookingView, decision: 'approve' | 'reject') => {
    setBusy(booking.id)
    const reply = await centersApi.review({ bookingId: booking.id, decision, ...(decision === 'reject' ? { reason } : {}) })
    setBusy(null)
    if (reply.ok) {
      list.replaceRow((b) => b.id === booking.id, reply.data)
      setOutcomes((o) => ({ ...o, [booking.id]: { ok: true, text: decision === 'approve' ? '已通过' : `未通过：${reason}` } }))
      setRejecting(null)
      setReason('')
    } else setOutcomes((o) => ({ ...o, [booking.id]: { ok: false, text: reply.error.message } }))
  }

  const columns: Column<BookingView>[] = [
    { key: 'place', title: '邻里中心 · 活动室', render: (b) => `${b.centerName} · ${b.roomName}` },
    { key: 'start', title: '预约时间', sortField: 'start', width: '190PX', render: (b) => `${dateTime(b.start)}–${timeOf(b.end)}` },
    { key: 'purpose', title: '用途', render: (b) => b.purpose },
    { key: 'attendees', title: '人数', width: '60PX', align: 'right', render: (b) => b.attendees },
    { key: 'booker', title: '预约人', render: (b) => `${b.bookerName ?? '—'}${b.bookerMobile ? ` ${b.bookerMobile}` : ''}` },
    {
      key: 'status',
      title: '状态',
      width: '80PX',
      render: (b) => <span className={b.status === 'pending' ? 'desk-list__tag desk-list__tag--warn' : 'desk-list__tag'}>{BOOKING_STATUS_LABELS[b.status]}</span>
    },
    {
      key: 'review',
      title: '审核',
      width: '150PX',
      render: (b) =>
        b.status === 'pending' ? (
          <span className='desk-list__actions'>
            <button type='button' className='desk-button' disabled={busy === b.id} onClick={() => void decide(b, 'approve')}>
              通过
            </button>
            <button
              type='button'
              className='desk-button desk-button--plain'
              disabled={busy === b.id}
              onClick={() => {
                setRejecting(b.id)
                setReason('')
              }}
            >
              不通过
            </button>
          </span>
        ) : null
    }
  ]

  const rowNote = (b: BookingView) => {
    if (rejecting === b.id && b.status === 'pending')
      return (
        <span className='desk-list__reason'>
          <input aria-label='不通过的原因' placeholder='请填写不通过的原因（将告知预约人）' maxLength={100} value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type='button' className='desk-button' disabled={!reason.trim() || busy === b.id} onClick={() => void decide(b, 'reject')}>
            确认不通过
          </button>
          <button type='button' className='desk-button desk-button--plain' onClick={() => setRejecting(null)}>
            取消
          </button>
          {outcomes[b.id] && !outcomes[b.id].ok ? <span className='desk-list__outcome desk-list__outcome--error'>{outcomes[b.id].text}</span> : null}
        </span>
      )
    const outcome = outcomes[b.id]
    return outcome ? (
      <span className={outcome.ok ? 'desk-list__outcome desk-list__outcome--ok' : 'desk-list__outcome desk-list__outcome--error'} role='status'>
        {outcome.text}
      </span>
    ) : null
  }

  const { filters, setFilters } = list
  return (
    <div className='desk-list'>
      <DataTable
        name='bookings'
        label='场地预约'
        rowKey={(b) => b.id}
        columns={columns}
        empty='暂无预约'
        rowNote={rowNote}
        {...tableProps(list)}
        toolbar={
          <>
            <label className='desk-field'>
              状态
              <select value={filters.status} onChange={(e) => setFilters({ status: e.target.value as StatusFilter })}>
                <option value=''>全部</option>
                <option value='active'>待审核和已确认</option>
                {BOOKING_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {BOOKING_STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
            <label className='desk-field'>
              日期
              <input type='date' value={filters.date} onChange={(e) => setFilters({ date: e.target.value })} />
            </label>
          </>
        }
      />
    </div>
  )
}
