/**
 * The members function's two roster imports (docs/back-office.md §5, engine in server/core/imports.ts):
 * - 在职党员名册 (kind `members`): `memberRoster/<communityId>:<mobile>`, the community's own list
 *   of party members working elsewhere and living here (name, mobile, work unit, party
 *   organisation, compound, building, unit, room);
 * - 楼栋住户 (kind `residents`): `residentRoster/<buildingId>:<unit>:<room>:<name>`, the households
 *   of each building.
 * Staff of the community (or the district admin) import into their community. A building is named
 * as staff write it (7号楼, 7栋, 7) with its compound when the community has several of that name.
 */
import type { z } from '../../contracts/zod'
import { type ImportConfirmOutput, type ImportPreviewOutput } from '../../contracts/imports'
import { memberRosterRowSchema, residentRosterRowSchema, type MemberRosterRow, type ResidentRosterRow, type membersImportConfirmInput, type membersImportPreviewInput } from '../../contracts/members'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { forbidden, notFound } from '../core/errors'
import { canManageCommunity } from '../core/guard'
import type { Caller } from '../core/identity'
import { confirmImport, previewImport, type ImportAdapter, type ImportColumn, type Planned, type Resolved } from '../core/imports'
import { maskMobile } from '../core/mask'
import { readTogether } from '../core/together'

export const MEMBER_ROSTER = 'memberRoster'
export const RESIDENT_ROSTER = 'residentRoster'

interface Place {
  _id: string
  name: string
  gridId?: string
  communityId: string
}

interface CommunityCtx {
  communityId: string
  communityName: string
  grids: Place[]
  buildings: Place[]
  gridsByName: Map<string, Place[]>
}

/** The community and its compounds and buildings, in one read; the caller must manage it. */
async function communityContext(caller: Caller, communityId: string): Promise<CommunityCtx> {
  if (!canManageCommunity(caller, communityId)) throw forbidden('仅本社区工作人员可导入')
  const docs = await readTogether({
    community: { collection: 'communities', build: (p) => p.match({ _id: communityId }).limit(1) },
    grids: { collection: 'grids', build: (p) => p.match({ communityId }).project({ name: true, communityId: true }).limit(1000) },
    buildings: { collection: 'buildings', build: (p) => p.match({ communityId }).project({ name: true, gridId: true, communityId: true }).limit(5000) }
  })
  const community = docs.community[0] as { _id: string; name: string } | undefined
  if (!community) throw notFound('社区')
  const grids = docs.grids as Place[]
  const gridsByName = new Map<string, Place[]>()
  for (const g of grids) gridsByName.set(g.name, [...(gridsByName.get(g.name) ?? []), g])
  return { communityId, communityName: community.name, grids, buildings: docs.buildings as Place[], gridsByName }
}

/** 7 → 7号楼, 7栋 / 7幢 / 7号 → 7号楼; anything else as written. */
export function buildingName(text: string): string {
  const t = text.replace(/\s/g, '')
  const m = /^(\d+)(号楼|号|栋|幢|楼)?$/.exec(t)
  return m ? `${Number(m[1])}号楼` : t
}

type Located = { grid: Place | null; building: Place | null } | { refused: string }

/** The compound and building a row names, within the community. */
function locate(ctx: CommunityCtx, gridText: string, buildingText: string): Located {
  let grid: Place | null = null
  if (gridText) {
    grid = ctx.gridsByName.get(gridText)?.[0] ?? null
    if (!grid) return { refused: `小区“${gridText}”不在本社区` }
  }
  if (!buildingText) return { grid, building: null }
  const name = buildingName(buildingText)
  const matches = ctx.buildings.filter((b) => b.name === name && (!grid || b.gridId === grid._id))
  if (matches.length === 0) return { refused: grid ? `楼栋“${name}”不在${grid.name}` : `楼栋“${name}”不在本社区` }
  if (matches.length > 1) return { refused: `本社区有${matches.length}个“${name}”，请填写小区` }
  const building = matches[0]
  return { grid: grid ?? ctx.grids.find((g) => g._id === building.gridId) ?? null, building }
}

const GRID: ImportColumn = { key: 'grid', header: '小区（网格）', aliases: ['小区', '网格', '小区名称', '所在小区'] }
const BUILDING: ImportColumn = { key: 'building', header: '楼栋', aliases: ['楼号', '楼栋号', '栋'] }
const UNIT: ImportColumn = { key: 'unit', header: '单元', aliases: ['单元号'] }
const ROOM: ImportColumn = { key: 'room', header: '门牌号', aliases: ['房号', '房间号', '室', '门牌'] }
const NAME: ImportColumn = { key: 'name', header: '姓名', aliases: ['名字', '党员姓名', '住户姓名'], required: true }
const MOBILE: ImportColumn = { key: 'mobile', header: '手机号', aliases: ['手机', '手机号码', '联系电话', '电话'] }

// ------------------------------------------------------------------ 在职党员名册

export interface MemberRosterValue extends Record<string, unknown> {
  communityId: string
  name: string
  mobile: string
  workUnit: string
  partyOrg: string
  gridId: string
  gridName: string
  buildingId: string
  buildingName: string
  unit: string
  room: string
}

async function applyRows<V extends Record<string, unknown>>(collection: string, rows: { planned: Planned<V>; created: boolean; fields: string[] }[], caller: Caller, importId: string) {
  const at = clock.date()
  await Promise.all(
    rows.map(({ planned, created, fields }) => {
      const ref = db().collection(collection).doc(planned.id)
      if (created) return ref.set({ data: { ...planned.value, importId, importedBy: caller.openid, createdAt: at, updatedAt: at } })
      const data: Record<string, unknown> = { importId, importedBy: caller.openid, updatedAt: at }
      for (const f of fields) data[f] = planned.value[f]
      return ref.update({ data })
    })
  )
}

export const memberRosterAdapter: ImportAdapter<MemberRosterRow, MemberRosterValue, CommunityCtx> = {
  kind: 'members',
  collection: MEMBER_ROSTER,
  columns: [
    NAME,
    { ...MOBILE, required: true },
    { key: 'workUnit', header: '工作单位', aliases: ['单位', '工作单位名称'] },
    { key: 'partyOrg', header: '所在党组织', aliases: ['党组织', '所属党组织', '所在党支部', '党支部'] },
    GRID,
    BUILDING,
    UNIT,
    ROOM
  ],
  rowSchema: memberRosterRowSchema,
  labels: { name: '姓名', mobile: '手机号', workUnit: '工作单位', partyOrg: '所在党组织', gridId: '小区', gridName: '小区', buildingId: '楼栋', buildingName: '楼栋', unit: '单元', room: '门牌号' },
  auditAction: 'members.import',
  prepare: (caller, scope) => communityContext(caller, scope),
  scopeName: (ctx) => ctx.communityName,
  communityId: (ctx) => ctx.communityId,
  resolve(row, ctx): Resolved<MemberRosterValue> {
    const summary = [row.name, maskMobile(row.mobile), [row.grid, row.building && buildingName(row.building)].filter(Boolean).join('')].filter(Boolean).join(' · ')
    const place = locate(ctx, row.grid, row.building)
    if ('refused' in place) return { refused: place.refused, summary }
    return {
      id: `${ctx.communityId}:${row.mobile}`,
      summary,
      value: {
        communityId: ctx.communityId,
        name: row.name,
        mobile: row.mobile,
        workUnit: row.workUnit,
        partyOrg: row.partyOrg,
        gridId: place.grid?._id ?? '',
        gridName: place.grid?.name ?? '',
        buildingId: place.building?._id ?? '',
        buildingName: place.building?.name ?? '',
        unit: row.unit ?? '',
        room: row.room
      }
    }
  },
  diff(existing, value) {
    // The names follow the ids: a changed building is one change (楼栋), not two.
    const keys = ['name', 'mobile', 'workUnit', 'partyOrg', 'gridId', 'buildingId', 'unit', 'room'] as const
    const changed = keys.filter((k) => (existing[k] ?? '') !== value[k])
    const fields: string[] = []
    for (const k of changed) {
      fields.push(k)
      if (k === 'gridId') fields.push('gridName')
      if (k === 'buildingId') fields.push('buildingName')
    }
    return fields
  },
  apply: (rows, _ctx, caller, importId) => applyRows(MEMBER_ROSTER, rows, caller, importId)
}

// ------------------------------------------------------------------ 楼栋住户

export interface ResidentRosterValue extends Record<string, unknown> {
  communityId: string
  gridId: string
  gridName: string
  buildingId: string
  buildingName: string
  unit: string
  room: string
  name: string
  mobile: string
}

export const residentRosterAdapter: ImportAdapter<ResidentRosterRow, ResidentRosterValue, CommunityCtx> = {
  kind: 'residents',
  collection: RESIDENT_ROSTER,
  columns: [GRID, { ...BUILDING, required: true }, UNIT, { ...ROOM, required: true }, NAME, MOBILE],
  rowSchema: residentRosterRowSchema,
  labels: { mobile: '手机号' },
  auditAction: 'members.import',
  prepare: (caller, scope) => communityContext(caller, scope),
  scopeName: (ctx) => ctx.communityName,
  communityId: (ctx) => ctx.communityId,
  resolve(row, ctx): Resolved<ResidentRosterValue> {
    const where = `${row.grid}${buildingName(row.building)}${row.unit ? `${row.unit}单元` : ''}${row.room}`
    const summary = [where, row.name, row.mobile ? maskMobile(row.mobile) : ''].filter(Boolean).join(' · ')
    const place = locate(ctx, row.grid, row.building)
    if ('refused' in place) return { refused: place.refused, summary }
    const building = place.building!
    const unit = row.unit ?? ''
    return {
      id: `${building._id}:${unit}:${row.room}:${row.name}`,
      summary,
      value: {
        communityId: ctx.communityId,
        gridId: place.grid?._id ?? building.gridId ?? '',
        gridName: place.grid?.name ?? '',
        buildingId: building._id,
        buildingName: building.name,
        unit,
        room: row.room,
        name: row.name,
        mobile: row.mobile
      }
    }
  },
  // The place and the name are the key: only the mobile can change.
  diff: (existing, value) => ((existing.mobile ?? '') === value.mobile ? [] : ['mobile']),
  apply: (rows, _ctx, caller, importId) => applyRows(RESIDENT_ROSTER, rows, caller, importId)
}

const adapterOf = (kind: 'members' | 'residents') => (kind === 'members' ? memberRosterAdapter : residentRosterAdapter)

export function importPreview(input: z.output<typeof membersImportPreviewInput>, caller: Caller): Promise<ImportPreviewOutput> {
  return previewImport(adapterOf(input.kind) as ImportAdapter<unknown, Record<string, unknown>, unknown>, input, caller)
}

export function importConfirm(input: z.output<typeof membersImportConfirmInput>, caller: Caller): Promise<ImportConfirmOutput> {
  return confirmImport(adapterOf(input.kind) as ImportAdapter<unknown, Record<string, unknown>, unknown>, input, caller)
}
