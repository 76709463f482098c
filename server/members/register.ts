import type { CommunityStructure, RegisterOutput, SceneOutput, registerInput } from '../../contracts/members'
import type { z } from '../../contracts/zod'
import { clock } from '../core/clock'
import { recordConsent } from '../core/consents'
import { checkVisibleTexts } from '../core/content'
import { db, isDuplicateKey } from '../core/db'
import { AppError, conflict, invalid, notFound } from '../core/errors'
import { requireCommunityStaff } from '../core/guard'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import { readTogether } from '../core/together'
import { TEMPLATES } from '../notify/templates'
import { byIdPart } from './parts'
import { knownOf, REGISTRATIONS, slotFor, toView, type HistoryRecord, type RegistrationRecord } from './model'

type RegisterData = z.output<typeof registerInput>

interface GridDoc {
  _id: string
  communityId: string
  name: string
  order: number
}
interface BuildingDoc {
  _id: string
  gridId: string
  communityId: string
  name: string
  units: number
  order: number
}

/** The form's community, with its compounds (grids) and their buildings, for a scanned code: one round trip. */
export async function sceneInfo(input: { scene: string }): Promise<SceneOutput> {
  const { code: codes } = await readTogether({
    code: {
      collection: 'communityCodes',
      build: (p) =>
        p
          .match({ _id: input.scene })
          .limit(1)
          .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'community' })
          .lookup({ from: 'grids', localField: 'communityId', foreignField: 'communityId', as: 'grids' })
          .lookup({ from: 'buildings', localField: 'communityId', foreignField: 'communityId', as: 'buildings' })
    }
  })
  const code = codes[0]
  if (!code) throw invalid('报到码无效，请向社区工作人员索取新的报到码', ['scene'])
  if (!code.community[0]) throw notFound('社区')
  const id = TEMPLATES.registrationReviewed.id
  return {
    scene: input.scene,
    ...structureOf(code.communityId, code.community[0].name, code.grids, code.buildings),
    // Placeholder ids (no template configured for this deployment) are not worth a prompt.
    templateIds: id.startsWith('tpl-') ? [] : [id]
  }
}

/** Staff of the community: its compounds and buildings (the list's filters), in one round trip. */
export async function structure(input: { communityId: string }, caller: Caller): Promise<CommunityStructure> {
  requireCommunityStaff(caller, input.communityId)
  const { communityId } = input
  const read = await readTogether({
    community: { collection: 'communities', build: (p) => p.match({ _id: communityId }).limit(1).project({ name: true }) },
    grids: { collection: 'grids', build: (p) => p.match({ communityId }).project({ name: true, order: true }).limit(1000) },
    buildings: { collection: 'buildings', build: (p) => p.match({ communityId }).project({ name: true, gridId: true, units: true, order: true }).limit(1000) }
  })
  if (!read.community[0]) throw notFound('社区')
  return structureOf(communityId, read.community[0].name, read.grids as GridDoc[], read.buildings as BuildingDoc[])
}

function structureOf(communityId: string, communityName: string, gridDocs: GridDoc[], buildingDocs: BuildingDoc[]): CommunityStructure {
  const buildings = [...buildingDocs].sort((a, b) => a.order - b.order)
  const grids = [...gridDocs].sort((a, b) => a.order - b.order)
  return {
    communityId,
    communityName,
    grids: grids.map((g) => ({
      id: g._id,
      name: g.name,
      buildings: buildings.filter((b) => b.gridId === g._id).map((b) => ({ id: b._id, name: b.name, units: b.units }))
    }))
  }
}

/**
 * Submits a registration, or updates the caller's pending one (one active registration per
 * person). Approved in another community → a transfer: a new pending registration here, and the
 * old community keeps the member until this one is approved. Approved in this community already →
 * CONFLICT (changes go through staff).
 */
export async function register(input: RegisterData, ctx: FirstReadContext): Promise<RegisterOutput> {
  const _ = db().command
  const activeOf = (openid: string) => ({ openid, status: _.in(['pending', 'approved']) })
  // The caller, the scanned code with its community, the grid and building chosen, and the person's
  // active registrations with their communities (a transfer names the one it leaves): one round trip.
  // What staff (and, once placed, the member's branch) read is checked meanwhile.
  const [{ caller, docs: read }] = await Promise.all([
    ctx.readWithCaller({
      code: { collection: 'communityCodes', build: (p) => p.match({ _id: input.scene }).limit(1).lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'community' }) },
      grid: byIdPart('grids', input.gridId),
      building: byIdPart('buildings', input.buildingId),
      active: { collection: REGISTRATIONS, build: (p) => p.match(activeOf(ctx.openid)).limit(10).lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'community' }) }
    }),
    checkVisibleTexts(ctx.openid, [
      ['name', input.name],
      ['workUnit', input.workUnit],
      ['partyOrg', input.partyOrg],
      ['unit', input.unit],
      ['room', input.room],
      ['skills', input.skills]
    ])
  ])
  const activeWhere = activeOf(caller.openid)
  const code = read.code[0]
  if (!code) throw invalid('报到码无效，请向社区工作人员索取新的报到码', ['scene'])
  const communityId = code.communityId as string
  const grid = read.grid[0] as GridDoc | undefined
  const building = read.building[0] as BuildingDoc | undefined
  if (!grid || grid.communityId !== communityId) throw invalid('请选择本社区的小区（网格）', ['gridId'])
  if (!building || building.gridId !== grid._id) throw invalid('请选择所选小区的楼栋', ['buildingId'])
  const communities = [...code.community, ...read.active.flatMap((r) => r.community)]
  const firstActive = read.active.map(({ community: _community, ...r }) => r as RegistrationRecord)

  // The view names the community, grid and building just read (not read again).
  const known = () => knownOf({ communities, grids: [grid], buildings: [building] })
  const now = clock.date()
  const actorName = input.name
  const fields = {
    scene: input.scene,
    communityId,
    gridId: grid._id,
    buildingId: building._id,
    unit: input.unit ?? '',
    room: input.room,
    name: input.name,
    mobile: input.mobile,
    workUnit: input.workUnit,
    partyOrg: input.partyOrg,
    skills: input.skills ?? [],
    services: input.services ?? [],
    consentAt: now,
    updatedAt: now
  }

  // A few rounds: a concurrent submit from the same person, or a review landing between our read
  // and our write, sends us back to read the person's registrations again.
  for (let attempt = 0; attempt < 4; attempt++) {
    const active = attempt === 0 ? firstActive : ((await db().collection(REGISTRATIONS).where(activeWhere).limit(10).get()).data as RegistrationRecord[])
    const pending = active.find((r) => r.status === 'pending')
    const approved = active.find((r) => r.status === 'approved')
    if (approved && approved.communityId === communityId)
      throw conflict('您已在本社区报到，如需修改信息请联系社区工作人员')
    const transfer = approved ? { isTransfer: true, transferFrom: approved._id, transferFromCommunityId: approved.communityId } : { isTransfer: false }

    if (pending) {
      const entry: HistoryRecord = { at: now, event: 'edited', actor: caller.openid, actorName }
      const changes: Record<string, unknown> = { ...fields, ...transfer, history: _.push(entry) }
      if (!approved) {
        changes.transferFrom = _.remove()
        changes.transferFromCommunityId = _.remove()
      }
      const updated = await db()
        .collection(REGISTRATIONS)
        .where({ _id: pending._id, status: 'pending' })
        .update({ data: changes })
      if (updated.stats.updated === 0) continue // reviewed in the meantime: read again
      // The guarded update wrote every field the view shows: the record is the one read with them applied (no read back).
      const record: RegistrationRecord = { ...pending, ...fields, ...transfer, history: [...(pending.history ?? []), entry] }
      if (!approved) {
        delete record.transferFrom
        delete record.transferFromCommunityId
      }
      // The consent given with this submission (policy version and time), alongside the view's reads.
      const [registration] = await Promise.all([toView(record, { withMobile: true }, known()), recordConsent(caller.openid, 'registration', 'members.register')])
      return { registration, created: false, transfer: record.isTransfer }
    }

    const record: Omit<RegistrationRecord, '_id'> & { _id?: string } = {
      openid: caller.openid,
      slot: slotFor('pending', caller.openid, ''),
      status: 'pending',
      ...fields,
      ...transfer,
      submittedAt: now,
      history: [{ at: now, event: 'submitted', actor: caller.openid, actorName }]
    }
    try {
      const added = await db().collection(REGISTRATIONS).add({ data: record })
      const saved = { ...record, _id: added._id } as RegistrationRecord
      // The consent given with this submission (policy version and time), alongside the view's reads.
      const [registration] = await Promise.all([toView(saved, { withMobile: true }, known()), recordConsent(caller.openid, 'registration', 'members.register')])
      return { registration, created: true, transfer: saved.isTransfer }
    } catch (error) {
      // The same person's other phone created the pending registration first (unique slot).
      if (!isDuplicateKey(error)) throw error
    }
  }
  throw new AppError('CONFLICT', '提交过于频繁，请稍后重试')
}
