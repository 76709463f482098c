import { randomBytes } from 'node:crypto'
import type { z } from '../../contracts/zod'
import type { workReportInput, WorkReportOutput } from '../../contracts/reports'
import { audit } from '../core/audit'
import { clock } from '../core/clock'
import type { Caller } from '../core/identity'
import { shanghai } from '../core/time'
import { platform } from '../platform'
import { fullReport } from './compute'
import { periodOf } from './period'
import { scopeView } from './scope'
import { buildWorkbook, WORKBOOK_TITLE } from './workbook'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/**
 * The period's work report as an .xlsx, stored with the platform's files seam (a cloud fileID on
 * WeChat, a URL on the emulator) and written to the audit log. District admin: the district (or a
 * community with `communityId`); staff: their community.
 */
export async function workReport(input: z.output<typeof workReportInput>, caller: Caller): Promise<WorkReportOutput> {
  const period = periodOf(input)
  const { scope, sections, trends: trendList, comparisons: compared } = await fullReport(caller, input.communityId, period)
  const now = shanghai(clock.now())
  const buffer = await buildWorkbook({
    scope: scopeView(scope),
    period: { from: period.from, to: period.to },
    generatedAt: now.format('YYYY-MM-DD HH:mm'),
    generatedBy: caller.user?.profile?.name ?? caller.openid,
    sections,
    trends: trendList,
    comparisons: compared
  })
  const fileName = `${scope.name}${WORKBOOK_TITLE}（${period.from}至${period.to}）.xlsx`
  // A random part: on the emulator files are served by path, so the path must not be guessable.
  const path = `exports/reports/${scope.communityId ?? 'district'}-${period.from}-${period.to}-${now.format('YYYYMMDDHHmmss')}-${randomBytes(6).toString('hex')}.xlsx`
  const stored = await platform().files.put(path, buffer, XLSX)
  const figures = sections.reduce((n, s) => n + s.figures.length, 0)
  await audit(caller, {
    action: 'reports.workReport',
    target: { collection: 'reports', id: scope.communityId ?? 'district', label: fileName },
    ...(scope.communityId ? { communityId: scope.communityId } : {}),
    detail: { from: period.from, to: period.to, fileID: stored.fileID, figures }
  })
  return { fileID: stored.fileID, url: stored.url, fileName, scope: scopeView(scope), period: { from: period.from, to: period.to }, figures }
}
