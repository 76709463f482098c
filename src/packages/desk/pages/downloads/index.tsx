import { useState, type ReactNode } from 'react'
import type { Reply } from '@contracts/reply'
import { REGISTRATION_STATUS_LABELS, REGISTRATION_STATUSES, type RegistrationStatus } from '@contracts/members'
import { centersApi } from '@/features/centers'
import { DeskLayout, useDeskGate } from '@/features/desk'
import { openWorkbook, reportsApi } from '@/features/district'
import { membersApi } from '@/features/register'
import { today } from '../../common/format'
import '../../common/lists.scss'

/**
 * 管理后台 · 数据下载 (PC, H5 only): every export the functions offer, one card each — 报到名单
 * (`members.export`), 邻里中心使用率 (`centers.utilisation` with `export`), 工作报告
 * (`reports.workReport`). Each writes an .xlsx (audited on the server, 访问记录) that the browser
 * downloads through the H5 workbook opener.
 */
export default function DeskDownloadsPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='downloads' title='数据下载'>
      <DownloadsBody />
    </DeskLayout>
  )
}

interface WorkbookFile {
  fileID: string
  url: string
  fileName: string
}

function DownloadsBody() {
  const { day, monthStart, yearStart } = today()
  const [memberStatus, setMemberStatus] = useState<'' | RegistrationStatus>('approved')
  const [usage, setUsage] = useState({ from: monthStart, to: day })
  const [report, setReport] = useState({ from: yearStart, to: day })
  return (
    <div className='desk-downloads'>
      <ExportCard
        name='members'
        title='报到名单'
        what='在职党员报到名单（本社区；区级管理员为全区），含手机号等个人信息，导出将记入访问记录。'
        run={async () => {
          const reply = await membersApi.export({ status: memberStatus || undefined })
          return reply.ok ? { ok: true, data: { file: reply.data, note: `共 ${reply.data.rows} 行` } } : reply
        }}
      >
        <label className='desk-field'>
          报到状态
          <select value={memberStatus} onChange={(e) => setMemberStatus(e.target.value as '' | RegistrationStatus)}>
            <option value=''>全部</option>
            {REGISTRATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {REGISTRATION_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
      </ExportCard>
      <ExportCard
        name='utilisation'
        title='邻里中心使用率'
        what='各邻里中心及活动室在统计期内的预约时段、使用率（按周、按月），最长一年。'
        run={async () => {
          const reply = await centersApi.utilisation({ from: usage.from, to: usage.to, export: true })
          if (!reply.ok) return reply
          if (!reply.data.file) return { ok: false, error: { code: 'INTERNAL', message: '文件生成失败，请重试' } }
          const { fileID, url, name } = reply.data.file
          return { ok: true, data: { file: { fileID, url, fileName: name }, note: `${reply.data.centers.length} 个邻里中心` } }
        }}
      >
        <Period value={usage} onChange={setUsage} />
      </ExportCard>
      <ExportCard
        name='report'
        title='工作报告'
        what='统计期内党建联建各项指标的汇总报告（本社区；区级管理员为全区）。'
        run={async () => {
          const reply = await reportsApi.workReport({ from: report.from, to: report.to })
          return reply.ok ? { ok: true, data: { file: reply.data, note: `${reply.data.scope.name} · ${reply.data.figures} 项指标` } } : reply
        }}
      >
        <Period value={report} onChange={setReport} />
      </ExportCard>
    </div>
  )
}

function Period({ value, onChange }: { value: { from: string; to: string }; onChange: (v: { from: string; to: string }) => void }) {
  return (
    <>
      <label className='desk-field'>
        从
        <input type='date' value={value.from} onChange={(e) => onChange({ ...value, from: e.target.value })} />
      </label>
      <label className='desk-field'>
        至
        <input type='date' value={value.to} onChange={(e) => onChange({ ...value, to: e.target.value })} />
      </label>
    </>
  )
}

type Made = Reply<{ file: WorkbookFile; note: string }>

/** One export: its filters, a button that makes the file and downloads it, and the outcome. */
function ExportCard({ name, title, what, run, children }: { name: string; title: string; what: string; run: () => Promise<Made>; children?: ReactNode }) {
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Made | null>(null)
  const go = async () => {
    setBusy(true)
    setOutcome(null)
    const reply = await run()
    setOutcome(reply)
    setBusy(false)
    if (reply.ok) await openWorkbook(reply.data.file).catch(() => setOutcome({ ok: false, error: { code: 'INTERNAL', message: '文件下载失败，请点击链接重试' } }))
  }
  return (
    <section className='desk-downloads__card' aria-label={title} data-testid={`desk-export-${name}`}>
      <h2 className='desk-downloads__name'>{title}</h2>
      <p className='desk-downloads__what'>{what}</p>
      {children ? <div className='desk-downloads__fields'>{children}</div> : null}
      <div>
        <button type='button' className='desk-button' disabled={busy} onClick={() => void go()}>
          {busy ? '正在生成…' : '生成并下载'}
        </button>
      </div>
      {outcome?.ok ? (
        <div className='desk-downloads__done' role='status'>
          已生成 {outcome.data.note}
          <a href={linkOf(outcome.data.file.url)} download={outcome.data.file.fileName}>
            {outcome.data.file.fileName}
          </a>
        </div>
      ) : outcome ? (
        <div className='desk-downloads__error' role='alert'>
          {outcome.error.message}
        </div>
      ) : null}
    </section>
  )
}

/** The emulator's files (`…/files/…`) from this page's own origin, as the workbook opener does; any other URL as it is. */
const linkOf = (url: string): string => (/^https?:\/\/[^/]+\/files\//.test(url) ? url.replace(/^https?:\/\/[^/]+/, '') : url)
