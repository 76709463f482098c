import { useState } from 'react'
import { AUDIT_ACTION_LABELS, AUDIT_KIND_LABELS, AUDIT_KINDS, auditActionsOfKind, type AuditAction, type AuditEntryView, type AuditKind } from '@contracts/audit'
import { usersApi } from '@/features/privacy'
import { DataTable, DeskLayout, useDeskGate, type Column } from '@/features/desk'
import { dateTime } from '../../common/format'
import { tableProps, useDeskList } from '../../common/useDeskList'
import '../../common/lists.scss'

/**
 * 管理后台 · 访问记录 (PC, H5 only): the audit log (`users.auditLogs`: the district admin reads every
 * entry, staff those of their communities), newest first, filtered by kind, action, person and
 * period; an entry done from a PC signed in by scan says 在电脑上.
 */
export default function DeskAuditPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='audit' title='访问记录'>
      <AuditBody />
    </DeskLayout>
  )
}

interface Filters {
  kind: '' | AuditKind
  auditAction: '' | AuditAction
  person: string
  from: string
  to: string
}

function AuditBody() {
  const list = useDeskList<AuditEntryView, Filters>(
    ({ page, pageSize, filters }) =>
      usersApi.auditLogs({
        page,
        pageSize,
        kind: filters.kind || undefined,
        auditAction: filters.auditAction || undefined,
        person: filters.person || undefined,
        from: filters.from || undefined,
        to: filters.to || undefined
      }),
    { kind: '', auditAction: '', person: '', from: '', to: '' }
  )
  const [person, setPerson] = useState('')
  const columns: Column<AuditEntryView>[] = [
    { key: 'at', title: '时间', width: '140PX', render: (e) => dateTime(e.at) },
    {
      key: 'actor',
      title: '操作人',
      render: (e) => (
        <>
          {e.actorName}
          <span className='desk-list__sub'> {e.actorRoleLabel}</span>
        </>
      )
    },
    { key: 'action', title: '操作', render: (e) => e.actionLabel },
    { key: 'target', title: '对象', render: (e) => `${e.targetKindLabel}${e.target.label ? ` · ${e.target.label}` : ''}` },
    { key: 'community', title: '社区', render: (e) => e.communityName ?? '—' },
    { key: 'note', title: '说明', render: (e) => [e.reason, e.note].filter(Boolean).join('；') || '—' },
    { key: 'via', title: '来源', width: '90PX', render: (e) => (e.via === 'desk' ? <span className='desk-list__tag desk-list__tag--warn'>在电脑上</span> : <span className='desk-list__tag'>手机</span>) }
  ]
  const { filters, setFilters } = list
  const actions = filters.kind ? auditActionsOfKind(filters.kind) : (Object.keys(AUDIT_ACTION_LABELS) as AuditAction[])
  return (
    <div className='desk-list'>
      <DataTable
        name='audit'
        label='访问记录'
        rowKey={(e) => e._id}
        columns={columns}
        empty='没有符合条件的记录'
        {...tableProps(list)}
        onSort={undefined}
        toolbar={
          <>
            <label className='desk-field'>
              类别
              <select value={filters.kind} onChange={(e) => setFilters({ kind: e.target.value as '' | AuditKind, auditAction: '' })}>
                <option value=''>全部</option>
                {AUDIT_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {AUDIT_KIND_LABELS[k]}
                  </option>
                ))}
              </select>
            </label>
            <label className='desk-field'>
              操作
              <select value={filters.auditAction} onChange={(e) => setFilters({ auditAction: e.target.value as '' | AuditAction })}>
                <option value=''>全部</option>
                {actions.map((a) => (
                  <option key={a} value={a}>
                    {AUDIT_ACTION_LABELS[a]}
                  </option>
                ))}
              </select>
            </label>
            <label className='desk-field'>
              从
              <input type='date' value={filters.from} onChange={(e) => setFilters({ from: e.target.value })} />
            </label>
            <label className='desk-field'>
              至
              <input type='date' value={filters.to} onChange={(e) => setFilters({ to: e.target.value })} />
            </label>
            <form
              className='desk-field'
              onSubmit={(e) => {
                e.preventDefault()
                setFilters({ person: person.trim() })
              }}
            >
              <input aria-label='姓名或编号' placeholder='姓名或编号（操作人或当事人）' maxLength={64} value={person} onChange={(e) => setPerson(e.target.value)} />
              <button type='submit' className='desk-button desk-button--plain'>
                查找
              </button>
            </form>
          </>
        }
      />
    </div>
  )
}
