import { useState } from 'react'
import type { ListItem } from '@contracts/members'
import { DataTable, DeskLayout, useDeskGate, type Column } from '@/features/desk'
import { openWorkbook } from '@/features/district'
import { membersApi, residenceLine } from '@/features/register'
import { dateTime } from '../../common/format'
import { tableProps, useDeskList } from '../../common/useDeskList'
import '../../common/lists.scss'
import '../registrations/index.scss'

/**
 * 管理后台 · 党员名册 (PC, H5 only): the approved members (`members.list`, newest first; sortable
 * by 报到时间), with masked mobiles. 查看手机号 shows one member's full number
 * (`members.revealMobile`: every view is written to 访问记录, as the phone's). 导出名单 makes the
 * roll's workbook (`members.export`, audited) and downloads it.
 */
export default function DeskMembersPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='members' title='党员名册'>
      <MembersBody />
    </DeskLayout>
  )
}

type Filters = { q: string }

function MembersBody() {
  const list = useDeskList<ListItem, Filters>(
    ({ page, pageSize, sort, filters }) =>
      membersApi.list({
        page,
        pageSize,
        status: 'approved',
        ...(filters.q ? { q: filters.q } : {}),
        ...(sort ? { sort: { field: sort.field as 'submittedAt' | 'reviewedAt', order: sort.order } } : {})
      }),
    { q: '' }
  )
  const [search, setSearch] = useState('')
  const [mobiles, setMobiles] = useState<Record<string, { mobile?: string; error?: string }>>({})
  const [asking, setAsking] = useState<string | null>(null)
  const [exporting, setExporting] = useState<{ busy: boolean; text?: string; error?: string }>({ busy: false })

  const reveal = async (r: ListItem) => {
    setAsking(null)
    const reply = await membersApi.revealMobile({ registrationId: r.id })
    setMobiles((m) => ({ ...m, [r.id]: reply.ok ? { mobile: reply.data.mobile } : { error: reply.error.message } }))
  }

  const exportRoll = async () => {
    setExporting({ busy: true })
    const reply = await membersApi.export({ status: 'approved', ...(list.filters.q ? { q: list.filters.q } : {}) })
    if (!reply.ok) return setExporting({ busy: false, error: reply.error.message })
    setExporting({ busy: false, text: `已生成 ${reply.data.fileName}（共 ${reply.data.rows} 行），导出已记入访问记录` })
    await openWorkbook(reply.data).catch(() => setExporting({ busy: false, error: '文件下载失败，请重试' }))
  }

  const columns: Column<ListItem>[] = [
    { key: 'name', title: '姓名', width: '100PX', render: (r) => r.name },
    {
      key: 'mobile',
      title: '手机号',
      width: '230PX',
      render: (r) => {
        const shown = mobiles[r.id]
        return (
          <span className='desk-list__mobile'>
            {shown?.mobile ?? r.mobileMasked}
            {shown?.mobile ? null : (
              <button type='button' className='desk-button desk-button--plain' onClick={() => setAsking(r.id)}>
                查看手机号
              </button>
            )}
          </span>
        )
      }
    },
    { key: 'residence', title: '居住地', render: (r) => residenceLine(r) },
    { key: 'placement', title: '所在党支部 · 党小组', render: (r) => (r.placement ? `${r.placement.branch.name} · ${r.placement.partyGroup.name}` : '—') },
    { key: 'workUnit', title: '工作单位', render: (r) => r.workUnit },
    { key: 'reviewedAt', title: '报到时间', sortField: 'reviewedAt', width: '150PX', render: (r) => dateTime(r.reviewedAt) }
  ]

  const rowNote = (r: ListItem) => {
    if (asking === r.id)
      return (
        <span className='desk-list__reason' role='group' aria-label='查看手机号'>
          <span>查看 {r.name} 的完整手机号将记入访问记录（用途：社区联系报到党员）。</span>
          <button type='button' className='desk-button' onClick={() => void reveal(r)}>
            确认查看
          </button>
          <button type='button' className='desk-button desk-button--plain' onClick={() => setAsking(null)}>
            取消
          </button>
        </span>
      )
    const error = mobiles[r.id]?.error
    return error ? <span className='desk-list__outcome desk-list__outcome--error'>{error}</span> : null
  }

  return (
    <div className='desk-list' data-testid='desk-members'>
      <DataTable
        name='members'
        label='党员名册'
        rowKey={(r) => r.id}
        columns={columns}
        empty='暂无已报到的党员'
        rowNote={rowNote}
        {...tableProps(list)}
        toolbar={
          <>
            <form
              className='desk-field desk-list__search'
              onSubmit={(e) => {
                e.preventDefault()
                list.setFilters({ q: search.trim() })
              }}
            >
              <input aria-label='搜索' placeholder='姓名、工作单位、党组织或完整手机号' maxLength={40} value={search} onChange={(e) => setSearch(e.target.value)} />
              <button type='submit' className='desk-button desk-button--plain'>
                搜索
              </button>
            </form>
            <button type='button' className='desk-button' disabled={exporting.busy} onClick={() => void exportRoll()}>
              {exporting.busy ? '正在生成…' : '导出名单'}
            </button>
            {exporting.text ? <span className='desk-list__outcome desk-list__outcome--ok'>{exporting.text}</span> : null}
            {exporting.error ? <span className='desk-list__outcome desk-list__outcome--error'>{exporting.error}</span> : null}
          </>
        }
      />
    </div>
  )
}
