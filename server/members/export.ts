import { randomBytes } from 'node:crypto'
import { NO_TARGET_LABEL, progressPercent, REGISTRATION_STATUS_LABELS, SERVICE_KIND_LABELS, type ExportOutput, type exportInput } from '../../contracts/members'
import type { z } from '../../contracts/zod'
import { audit } from '../core/audit'
import { clock } from '../core/clock'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { shanghai } from '../core/time'
import { platform } from '../platform'
import * as ExcelJS from '../xlsx'
import { knownOf, REGISTRATIONS, toViews, type RegistrationRecord } from './model'
import { resolveScope, whereOf } from './scope'
import { approvedByCommunity, communitiesWithTargets, currentTarget, progressRows } from './stats'

/** The name of the sheet with each community's target, approved members and percentage. */
export const PROGRESS_SHEET = '各社区报到进度'

type ExportData = z.output<typeof exportInput>

const BATCH = 1000
/** Pages read at once: an export of the district (~4,400 rows at the seed's scale) is one wave. */
const PAGES_AT_ONCE = 5
const SHANGHAI_OFFSET_MS = 8 * 3600_000
/**
 * "YYYY-MM-DD HH:mm" in Shanghai (UTC+8, no daylight saving since 1991) — the same text as
 * `shanghai(iso).format(…)`, without dayjs' timezone plugin, which costs ~0.1 ms a call (two per
 * row made it most of a district export's CPU time).
 */
const fmt = (iso: string | undefined) => {
  if (!iso) return ''
  const at = Date.parse(iso)
  return Number.isNaN(at) ? shanghai(iso).format('YYYY-MM-DD HH:mm') : new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

/**
 * The filtered registrations as an .xlsx file (full mobile numbers: staff need them to call
 * members), stored with the platform's files seam — a URL on the emulator, a cloud fileID on
 * WeChat. Every export is written to the audit log with its filters and row count.
 */
export async function exportMembers(input: ExportData, caller: Caller): Promise<ExportOutput> {
  const communities = await resolveScope(caller, input)
  const where = whereOf(communities, input)
  // The progress sheet: counted in the database (one grouped aggregation), whatever the filters.
  const progress = Promise.all([communitiesWithTargets(communities), approvedByCommunity(communities), communities ? Promise.resolve(null) : currentTarget()])
  progress.catch(() => undefined)
  const workbook = new ExcelJS.Workbook()
  workbook.creator = '红邻'
  workbook.created = clock.date()
  const sheet = workbook.addWorksheet('在职党员报到')
  sheet.columns = [
    { header: '序号', key: 'n', width: 6 },
    { header: '姓名', key: 'name', width: 10 },
    { header: '手机号', key: 'mobile', width: 14 },
    { header: '工作单位', key: 'workUnit', width: 24 },
    { header: '所在党组织', key: 'partyOrg', width: 24 },
    { header: '社区', key: 'community', width: 12 },
    { header: '小区（网格）', key: 'grid', width: 14 },
    { header: '楼栋', key: 'building', width: 8 },
    { header: '单元', key: 'unit', width: 6 },
    { header: '门牌号', key: 'room', width: 10 },
    { header: '技能特长', key: 'skills', width: 20 },
    { header: '服务意愿', key: 'services', width: 24 },
    { header: '状态', key: 'status', width: 8 },
    { header: '网格党支部', key: 'branch', width: 18 },
    { header: '楼栋党小组', key: 'group', width: 22 },
    { header: '党员中心户', key: 'household', width: 18 },
    { header: '提交时间', key: 'submittedAt', width: 17 },
    { header: '审核时间', key: 'reviewedAt', width: 17 }
  ]
  sheet.getRow(1).font = { bold: true }
  sheet.views = [{ state: 'frozen', ySplit: 1 }]

  let rows = 0
  // Pages of one wave are read concurrently, then named together: each place is read once per
  // export (`known`, in one combined read per wave), not once per page.
  const known = knownOf()
  const page = async (skip: number) => {
    const res = await db().collection(REGISTRATIONS).where(where).orderBy('submittedAt', 'asc').orderBy('_id', 'asc').skip(skip).limit(BATCH).get()
    return res.data as RegistrationRecord[]
  }
  for (let wave = 0; ; wave += PAGES_AT_ONCE) {
    const read = await Promise.all(Array.from({ length: PAGES_AT_ONCE }, (_x, i) => page((wave + i) * BATCH)))
    // Pages after a short one are past the end.
    const full = read.findIndex((records) => records.length < BATCH)
    const kept = full < 0 ? read : read.slice(0, full + 1)
    const allViews = await toViews(kept.flat(), {}, known)
    let offset = 0
    const pages = kept.map((records) => {
      const views = allViews.slice(offset, offset + records.length)
      offset += records.length
      return { records, views }
    })
    let short = false
    for (const { records, views } of pages) {
      if (short) break
      views.forEach((v, i) => {
        sheet.addRow({
          n: ++rows,
          name: v.name,
          mobile: records[i].mobile,
          workUnit: v.workUnit,
          partyOrg: v.partyOrg,
          community: v.communityName,
          grid: v.gridName,
          building: v.buildingName,
          unit: v.unit ?? '',
          room: v.room,
          skills: v.skills.join('、'),
          services: v.services.map((s) => SERVICE_KIND_LABELS[s]).join('、'),
          status: REGISTRATION_STATUS_LABELS[v.status],
          branch: v.placement?.branch.name ?? '',
          group: v.placement?.partyGroup.name ?? '',
          household: v.placement?.centralHousehold?.name ?? '',
          submittedAt: fmt(v.submittedAt),
          reviewedAt: fmt(v.reviewedAt)
        })
      })
      if (records.length < BATCH) short = true
    }
    if (short) break
  }

  const [targetDocs, approved, districtTarget] = await progress
  const rows2 = progressRows(targetDocs, approved)
  const progressSheet = workbook.addWorksheet(PROGRESS_SHEET)
  progressSheet.columns = [
    { header: '社区', key: 'community', width: 14 },
    { header: '报到目标（名）', key: 'target', width: 14 },
    { header: '已报到（审核通过，名）', key: 'approved', width: 22 },
    { header: '完成率', key: 'percent', width: 10 }
  ]
  progressSheet.getRow(1).font = { bold: true }
  const percentText = (p: number | null) => (p === null ? NO_TARGET_LABEL : `${p}%`)
  for (const r of rows2) progressSheet.addRow({ community: r.communityName, target: r.target ?? NO_TARGET_LABEL, approved: r.approved, percent: percentText(r.percent) })
  if (districtTarget !== null) {
    const total = rows2.reduce((a, r) => a + r.approved, 0)
    const row = progressSheet.addRow({ community: '全区（区定目标）', target: districtTarget, approved: total, percent: percentText(progressPercent(total, districtTarget)) })
    row.font = { bold: true }
  }
  progressSheet.addRow([])
  progressSheet.addRow([`截至 ${shanghai(clock.now()).format('YYYY-MM-DD HH:mm')}；已报到为审核通过的报到人数，不受名单筛选条件影响；完成率 = 已报到 ÷ 报到目标。`])

  const scopeName =
    communities && communities.length === 1 ? (targetDocs.find((c) => c._id === communities[0])?.name ?? communities[0]) : '全区'
  const stamp = shanghai(clock.now()).format('YYYYMMDD-HHmmss')
  const fileName = `${scopeName}在职党员报到名单-${stamp}.xlsx`
  // A random part: on the emulator files are served by path, so the path must not be guessable.
  const path = `exports/members/${communities?.length === 1 ? communities[0] : 'district'}-${stamp}-${randomBytes(6).toString('hex')}.xlsx`
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer())
  const stored = await platform().files.put(path, buffer, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  await audit(caller, {
    action: 'members.export',
    target: { collection: REGISTRATIONS, id: communities?.length === 1 ? communities[0] : 'district', label: fileName },
    ...(communities?.length === 1 ? { communityId: communities[0] } : {}),
    detail: { rows, fileID: stored.fileID, filters: { ...input } }
  })
  return { fileID: stored.fileID, url: stored.url, fileName, rows }
}
