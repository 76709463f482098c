import { useState } from 'react'
import type { ServiceRecord } from '@contracts/activities'
import { BatchBar, DataTable, DeskLayout, useDeskGate, type Column } from '@/features/desk'
import { activitiesApi } from '@/features/volunteer'
import { timeOf } from '@/services/time'
import { dateTime } from '../../common/format'
import { tableProps, useDeskList } from '../../common/useDeskList'
import { OutcomeNote, summaryOf, useBatchWork } from '../registrations/outcomes'
import '../../common/lists.scss'
import '../registrations/index.scss'

/**
 * 管理后台 · 服务时长认定 (PC, H5 only): 待认定时长, the service records waiting for verification
 * that the caller may decide (`activities.records` without an activity: oldest service first; never
 * the caller's own hours). Selected rows get 批量认定 / 批量不予认定 (`activities.verifyMany`: the
 * phone's `verify`, per record, with its four-eyes rules); each row then shows its outcome and the
 * list reloads. Make-up hours keep their own queue on the phone (待复核补录).
 */
export default function DeskRecordsPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='records' title='服务时长认定'>
      <RecordsBody />
    </DeskLayout>
  )
}

const hours = (minutes: number) => (minutes >= 60 ? `${Math.floor(minutes / 60)} 小时${minutes % 60 ? ` ${minutes % 60} 分钟` : ''}` : `${minutes} 分钟`)

function RecordsBody() {
  const list = useDeskList<ServiceRecord, Record<string, never>>(({ page, pageSize }) => activitiesApi.records({ page, pageSize, status: 'pending' }), {})
  const work = useBatchWork<ServiceRecord>((r) => r._id)
  const [declining, setDeclining] = useState(false)
  const [reason, setReason] = useState('')

  const decide = (decision: 'approve' | 'decline') =>
    work.run(
      list.rows,
      (recordIds) => activitiesApi.verifyMany({ recordIds, decision, ...(decision === 'decline' ? { reason: reason.trim() } : {}) }),
      (r) => ({ ...r, status: decision === 'approve' ? 'approved' : 'declined' }),
      () => {
        setDeclining(false)
        setReason('')
        list.reload()
      }
    )

  const columns: Column<ServiceRecord>[] = [
    { key: 'name', title: '志愿者', width: '90PX', render: (r) => r.name },
    { key: 'title', title: '活动', render: (r) => r.title },
    { key: 'issuer', title: '组织方', width: '100PX', render: (r) => r.issuerName },
    { key: 'serviceDate', title: '服务日期', width: '140PX', render: (r) => dateTime(r.serviceDate) },
    {
      key: 'checks',
      title: '签到 – 签退',
      width: '170PX',
      render: (r) => (
        <>
          {r.checkInAt ? timeOf(r.checkInAt) : '—'} – {r.checkOutAt ? timeOf(r.checkOutAt) : '—'}
          {r.autoClosed ? <span className='desk-list__tag desk-list__tag--warn'>未签退</span> : null}
        </>
      )
    },
    { key: 'minutes', title: '时长', width: '110PX', align: 'right', render: (r) => hours(r.minutes) },
    {
      key: 'status',
      title: '状态',
      width: '80PX',
      render: (r) => (
        <span className={r.status === 'pending' ? 'desk-list__tag desk-list__tag--warn' : r.status === 'declined' ? 'desk-list__tag' : 'desk-list__tag desk-list__tag--ok'}>
          {r.status === 'pending' ? '待认定' : r.status === 'declined' ? '不予认定' : '已认定'}
        </span>
      )
    }
  ]

  const summary = summaryOf(work.outcomes)
  return (
    <div className='desk-list' data-testid='desk-records'>
      <BatchBar count={work.selected.size} onClear={() => work.setSelected(new Set())}>
        {declining ? (
          <span className='desk-list__reason'>
            <input aria-label='不予认定的理由' placeholder='请填写不予认定的理由（将告知志愿者）' maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
            <button type='button' className='desk-button' disabled={!reason.trim() || work.busy} onClick={() => void decide('decline')}>
              确认不予认定
            </button>
            <button type='button' className='desk-button desk-button--plain' onClick={() => setDeclining(false)}>
              取消
            </button>
          </span>
        ) : (
          <>
            <button type='button' className='desk-button' disabled={work.busy} onClick={() => void decide('approve')}>
              {work.busy ? '正在处理…' : '批量认定'}
            </button>
            <button type='button' className='desk-button desk-button--plain' disabled={work.busy} onClick={() => setDeclining(true)}>
              批量不予认定
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
        name='records'
        label='服务时长认定'
        rowKey={(r) => r._id}
        columns={columns}
        empty='暂无待认定的服务时长'
        rowNote={(r) => (work.outcomeOf(r) ? <OutcomeNote result={work.outcomeOf(r)} okText={r.status === 'declined' ? '已不予认定' : '已认定'} /> : null)}
        {...tableProps(list)}
        rows={work.rowsWith(list.rows)}
        onPage={(page, pageSize) => {
          work.reset()
          list.onPage(page, pageSize)
        }}
        selected={work.selected}
        onSelect={work.setSelected}
        canSelect={(r) => r.status === 'pending' && !work.outcomeOf(r)}
      />
    </div>
  )
}
