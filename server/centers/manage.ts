/**
 * Keeping centres and rooms: create (district admin: entering the plan earns the 5,000 yuan
 * subsidy), edit (staff of the centre's community), move through the construction lifecycle
 * (acceptance — and its 5,000 yuan reward — is the district's call), define rooms, and print a
 * room's check-in code.
 */
import {
  CENTER_STATUSES,
  CENTER_STATUS_LABELS,
  CHECK_IN_PAGE,
  FUND_AMOUNTS,
  type CenterDetail,
  type CenterStatus,
  type RoomView
} from '../../contracts/centers'
import type { z } from '../../contracts/zod'
import { CENTER_PHOTO_LIMITS, type CenterPhoto, type centersUploadInput, type placesInput, type roomCodeInput, type saveCenterInput, type saveRoomInput, type setStatusInput } from '../../contracts/centers'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { AppError, invalid, notFound } from '../core/errors'
import { isDistrictAdmin, managedCommunities, requireCommunityStaff } from '../core/guard'
import type { Caller } from '../core/identity'
import type { FirstReadContext } from '../core/function'
import { mediaChecksPart, type StoredMediaCheck } from '../core/mediaChecks'
import type { Part } from '../core/together'
import { takeDailyQuota } from '../core/quota'
import { ownUpload, storeUploadedImage } from '../core/uploads'
import { platform } from '../platform'
import { getRoomWithCenter, requireCenterStaff, roomWithCenterOf, roomWithCenterPart } from './access'
import { dayOf } from './calendar'
import { centerDetailPart, detailOf, type CenterDetailRow } from './centers'
import { upcomingEventSlots } from './events'
import { callerName, COLL, newId, newRoomCode, toRoomView, type CenterDoc, type FundDoc, type RoomDoc, type StatusChange } from './model'

async function checkText(caller: Caller, ...texts: (string | undefined)[]): Promise<void> {
  const content = texts.filter(Boolean).join('\n')
  if (!content) return
  const res = await platform().contentCheck.text(content, caller.openid)
  if (!res.ok) throw invalid(res.reason ?? '内容含有违规信息，请修改', ['name'])
}

/**
 * The automatic ledger entries (subsidy on entering the plan, reward on acceptance) have
 * deterministic ids, so each centre gets each one once however often its status moves.
 */
export async function recordAutomaticFund(center: CenterDoc, type: 'subsidy' | 'reward', caller: Caller): Promise<boolean> {
  const entry: FundDoc = {
    _id: `fund-${type}-${center._id}`,
    centerId: center._id,
    centerName: center.name,
    communityId: center.communityId,
    type,
    amountFen: FUND_AMOUNTS[type] * 100,
    date: dayOf(clock.now()),
    note: type === 'subsidy' ? '列入"党建+邻里中心"建设计划' : '建成验收合格奖励',
    recordedBy: caller.openid,
    recordedByName: callerName(caller),
    createdAt: clock.date()
  }
  try {
    await db().collection(COLL.funds).add({ data: entry })
    return true
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    return false
  }
}

/**
 * Choices for the centre edit page: the communities the caller keeps (all for the district admin)
 * and the compounds (grids) of one of them. Both are small (≤ 100 each).
 */
export async function places(input: z.infer<typeof placesInput>, first: FirstReadContext) {
  // The caller, the district's communities (kept to the caller's below) and the compounds: one read.
  const { caller, docs } = await first.readWithCaller({
    communities: { collection: 'communities', build: (p) => p.match({}).sort({ order: 1 }).limit(1000) },
    ...(input.communityId ? { grids: { collection: 'grids', build: (p) => p.match({ communityId: input.communityId }).sort({ order: 1 }).limit(100) } } : {})
  } as Record<'communities' | 'grids', Part>)
  if (input.communityId) requireCommunityStaff(caller, input.communityId)
  const managed = managedCommunities(caller)
  const communities = (docs.communities as { _id: string; name: string }[]).filter((c) => managed === null || managed.includes(c._id)).slice(0, 100)
  return {
    communities: communities.map((c) => ({ id: c._id, name: c.name })),
    grids: ((docs.grids ?? []) as { _id: string; name: string; address?: string }[]).map((g) => ({ id: g._id, name: g.name, address: g.address }))
  }
}

const CENTER_UPLOADS_PER_DAY = 60

/**
 * H5 upload of one centre photo (the mini-program uploads straight to cloud storage under the same
 * `uploads/<openid>/` folder). Staff and the district admin only; the same rules as ticket photos
 * (server/core/uploads.ts) and a per-person daily allowance in `dailyQuotas` (its own kind).
 */
export async function uploadCenterPhoto(input: z.infer<typeof centersUploadInput>, caller: Caller): Promise<CenterPhoto> {
  return storeUploadedImage(caller.openid, input, {
    maxBytes: CENTER_PHOTO_LIMITS.uploadBytes,
    beforeStore: () => takeDailyQuota('center-upload', caller.openid, CENTER_UPLOADS_PER_DAY, '今天上传的图片太多了，请明天再试')
  })
}

/**
 * A centre's photos: each one already on this centre (kept when someone else edits it), or the
 * caller's own upload on this platform (`local://uploads/<openid>/…` on the emulator,
 * `cloud://…/uploads/<openid>/…` on WeChat); new ones pass the image check, decided on `known`,
 * the photos' checks read with the first read (core/mediaChecks.ts `checkImagesOnce`).
 */
async function checkCenterPhotos(caller: Caller, photos: string[], existing: string[], known: StoredMediaCheck[]): Promise<string[]> {
  const kept = new Set(existing)
  const fresh = photos.filter((p) => !kept.has(p))
  for (const fileID of fresh) {
    if (!ownUpload(fileID, caller.openid)) throw invalid('只能使用自己上传的照片', ['photos'])
  }
  const res = await platform().contentCheck.images(fresh, caller.openid, known)
  if (!res.ok) throw invalid(res.reason ?? '图片含有违规内容', ['photos'])
  return photos
}

/** Drops the keys an update would not write (the SDK leaves a field it is given as undefined alone). */
const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>

export async function saveCenter(input: z.infer<typeof saveCenterInput>, first: FirstReadContext): Promise<CenterDetail> {
  // The caller, the community, the compound, the centre being edited with what its detail shows
  // (or, for a new one, how many the community has) and the photos' image checks: one read.
  const $ = db().command.aggregate
  const { caller, docs } = await first.readWithCaller({
    place: {
      collection: 'communities',
      build: (p) => {
        let q = p.match({ _id: input.communityId }).limit(1)
        if (input.gridId) q = q.lookup({ from: 'grids', pipeline: $.pipeline().match({ _id: input.gridId }).limit(1).done(), as: 'grid' })
        if (!input.centerId) q = q.lookup({ from: COLL.centers, pipeline: $.pipeline().match({ communityId: input.communityId }).count('n').done(), as: 'centers' })
        return q.limit(1)
      }
    },
    ...(input.centerId ? { center: centerDetailPart(input.centerId) } : {}),
    ...(input.photos?.length ? { media: mediaChecksPart(input.photos) } : {})
  } as Record<'place' | 'center' | 'media', Part>)
  requireCommunityStaff(caller, input.communityId)
  const place = docs.place[0] as { name?: string; order: number; grid?: { communityId: string; name?: string }[]; centers?: { n: number }[] } | undefined
  if (!place) throw invalid('社区不存在', ['communityId'])
  const grid = place.grid?.[0]
  if (input.gridId) {
    if (!grid || grid.communityId !== input.communityId) throw invalid('小区不属于该社区', ['gridId'])
  }
  await checkText(caller, input.name, input.description, input.address)
  const row = input.centerId ? ((docs.center?.[0] as CenterDetailRow | undefined) ?? null) : null
  if (input.centerId && !row) throw notFound('邻里中心')
  if (row) requireCenterStaff(caller, row)
  const photos = input.photos ? await checkCenterPhotos(caller, input.photos, row?.photos ?? [], (docs.media ?? []) as StoredMediaCheck[]) : (row?.photos ?? [])
  const now = clock.date()
  const fields = {
    name: input.name,
    communityId: input.communityId,
    gridId: input.gridId,
    address: input.address,
    location: input.location,
    openingHours: input.openingHours,
    phone: input.phone,
    description: input.description,
    photos,
    updatedAt: now
  }
  const communityNames = [{ name: place.name ?? input.communityId }]
  if (row) {
    if (row.communityId !== input.communityId && !isDistrictAdmin(caller)) throw new AppError('FORBIDDEN', '仅区级管理员可调整中心所属社区')
    await db().collection(COLL.centers).doc(row._id).update({ data: fields })
    // What was just written, over what was read: no second read.
    const saved = { ...row, ...defined(fields) } as CenterDetailRow
    return detailOf({ ...saved, communityNames, gridNames: saved.gridId === input.gridId && grid ? [grid as { name: string }] : row.gridNames }, caller)
  }
  if (!isDistrictAdmin(caller)) throw new AppError('FORBIDDEN', '新建邻里中心需由区级管理员列入建设计划')
  const total = place.centers?.[0]?.n ?? 0
  const center: CenterDoc = {
    _id: newId('ctr'),
    ...fields,
    status: 'planned',
    statusHistory: [{ status: 'planned', at: now, actor: caller.openid, actorName: callerName(caller), note: '列入建设计划' }],
    order: place.order * 1000 + total + 1,
    roomCount: 0,
    createdAt: now
  }
  await db().collection(COLL.centers).add({ data: center })
  const subsidy = await recordAutomaticFund(center, 'subsidy', caller)
  // A new centre: no rooms yet, its subsidy the only funding.
  return detailOf(
    {
      ...(defined(center) as CenterDoc),
      roomDocs: [],
      fundRows: subsidy ? [{ _id: 'subsidy', fen: FUND_AMOUNTS.subsidy * 100 }] : [],
      communityNames,
      gridNames: input.gridId && grid ? [grid as { name: string }] : []
    },
    caller
  )
}

export async function setStatus(input: z.infer<typeof setStatusInput>, first: FirstReadContext): Promise<CenterDetail> {
  // The caller and the centre with what its detail shows: one read.
  const { caller, docs } = await first.readWithCaller({ center: centerDetailPart(input.centerId) })
  const row = docs.center[0] as CenterDetailRow | undefined
  if (!row) throw notFound('邻里中心')
  const center = row
  requireCenterStaff(caller, center)
  const from = CENTER_STATUSES.indexOf(center.status)
  const to = CENTER_STATUSES.indexOf(input.status)
  if (to === from) return detailOf(row, caller)
  const admin = isDistrictAdmin(caller)
  // Staff move a centre one step forward; acceptance and corrections (steps back) are the district's.
  if (input.status === 'accepted' && !admin) throw new AppError('FORBIDDEN', '验收由区级管理员确认')
  if (to < from && !admin) throw new AppError('FORBIDDEN', '状态回退需由区级管理员操作')
  if (to > from + 1 && !admin) throw new AppError('CONFLICT', `请先将状态改为"${CENTER_STATUS_LABELS[CENTER_STATUSES[from + 1] as CenterStatus]}"`)
  const _ = db().command
  const at = clock.date()
  const change: StatusChange = { status: input.status, at, actor: caller.openid, actorName: callerName(caller), note: input.note }
  const res = await db()
    .collection(COLL.centers)
    .where({ _id: center._id, status: center.status })
    .update({ data: { status: input.status, updatedAt: at, statusHistory: _.push([change]) } })
  if (res.stats.updated !== 1) throw new AppError('CONFLICT', '状态已被他人修改，请刷新后重试')
  // The guarded update matched the status read, so the centre is what was read plus this change.
  let fundRows = row.fundRows
  if (input.status === 'accepted' && (await recordAutomaticFund({ ...center, status: 'accepted' }, 'reward', caller))) {
    const fen = FUND_AMOUNTS.reward * 100
    fundRows = fundRows.some((r) => r._id === 'reward') ? fundRows.map((r) => (r._id === 'reward' ? { ...r, fen: r.fen + fen } : r)) : [...fundRows, { _id: 'reward', fen }]
  }
  return detailOf({ ...row, status: input.status, updatedAt: at, statusHistory: [...(row.statusHistory ?? []), change], fundRows }, caller)
}

/**
 * The centre's `roomCount` (its active rooms) is kept on write: each save that switches a room on
 * or off — decided by a guarded update on the room's previous `active` — moves it by one.
 */
const moveRoomCount = (centerId: string, by: number) =>
  db()
    .collection(COLL.centers)
    .doc(centerId)
    .update({ data: { roomCount: db().command.inc(by) } })

/** A centre and how many rooms it has (for the next room's order): one part. */
const centerWithRoomTotalPart = (centerId: string): Part => ({
  collection: COLL.centers,
  build: (p) =>
    p
      .match({ _id: centerId })
      .limit(1)
      .lookup({ from: COLL.rooms, pipeline: db().command.aggregate.pipeline().match({ centerId }).count('n').done(), as: 'rooms' })
      .limit(1)
})

export async function saveRoom(input: z.infer<typeof saveRoomInput>, first: FirstReadContext): Promise<RoomView> {
  // The caller with the room and its centre (or, for a new room, the centre and its room count): one read.
  const { caller, docs } = await first.readWithCaller((input.roomId ? { room: roomWithCenterPart(input.roomId) } : { center: centerWithRoomTotalPart(input.centerId) }) as unknown as Record<'room' | 'center', Part>)
  const existing = input.roomId ? roomWithCenterOf(docs.room!) : null
  let center: CenterDoc
  let roomTotal = 0
  if (existing) center = existing.center
  else {
    const row = docs.center?.[0] as (CenterDoc & { rooms: { n: number }[] }) | undefined
    if (!row) throw notFound('邻里中心')
    const { rooms, ...rest } = row
    center = rest as CenterDoc
    roomTotal = rooms[0]?.n ?? 0
  }
  requireCenterStaff(caller, center)
  if (existing && existing.room.centerId !== input.centerId) throw invalid('活动室不属于该中心', ['roomId'])
  await checkText(caller, input.name, input.description, input.facilities.join(' '))
  const now = clock.date()
  const fields = {
    name: input.name,
    capacity: input.capacity,
    facilities: input.facilities,
    slotMinutes: input.slotMinutes,
    bookAheadDays: input.bookAheadDays,
    minNoticeMinutes: input.minNoticeMinutes,
    cancelBeforeMinutes: input.cancelBeforeMinutes,
    needsApproval: input.needsApproval,
    weeklyQuota: input.weeklyQuota,
    maxSlots: input.maxSlots,
    active: input.active,
    description: input.description,
    updatedAt: now
  }
  if (existing) {
    const { room } = existing
    if (room.slotMinutes !== input.slotMinutes) {
      // Slot documents are keyed by the grid; changing it under live bookings could double-book.
      const _ = db().command
      const [{ total }, eventSlots] = await Promise.all([
        db()
          .collection(COLL.bookings)
          .where({ roomId: room._id, status: _.in(['pending', 'confirmed']), end: _.gt(now) })
          .count(),
        upcomingEventSlots(room._id)
      ])
      if (total > 0) throw new AppError('CONFLICT', `该活动室还有${total}个未结束的预约，暂不能修改时段长度`)
      if (eventSlots > 0) throw new AppError('CONFLICT', '该活动室还有未结束的社区活动，暂不能修改时段长度')
    }
    // Guarded on the state read, so two saves switching it at once move the count once (the
    // loser reads the room again and saves over it).
    for (let wasActive = room.active, attempt = 0; ; attempt++) {
      const switched = wasActive !== input.active
      const history = switched ? { activeHistory: db().command.push([{ active: input.active, at: now, by: caller.openid }]) } : {}
      const res = await db()
        .collection(COLL.rooms)
        .where({ _id: room._id, active: wasActive })
        .update({ data: { ...fields, ...history } })
      if (res.stats.updated === 1) {
        if (switched) await moveRoomCount(center._id, input.active ? 1 : -1)
        return toRoomView({ ...room, ...fields }, true)
      }
      if (attempt >= 2) throw new AppError('CONFLICT', '活动室刚被他人修改，请刷新后重试')
      wasActive = (await getRoomWithCenter(room._id)).room.active
    }
  }
  for (let attempt = 0; ; attempt++) {
    const room: RoomDoc = {
      _id: newId('rm'),
      centerId: center._id,
      communityId: center.communityId,
      ...fields,
      code: newRoomCode(),
      order: roomTotal + 1,
      activeHistory: [{ active: input.active, at: now, by: caller.openid }],
      createdAt: now
    }
    try {
      await db().collection(COLL.rooms).add({ data: room })
      if (room.active) await moveRoomCount(center._id, 1)
      return toRoomView(room, true)
    } catch (error) {
      if (!isDuplicateKey(error) || attempt >= 4) throw error // a code collision: draw another
    }
  }
}

export async function roomCode(input: z.infer<typeof roomCodeInput>, first: FirstReadContext) {
  const { caller, docs } = await first.readWithCaller({ room: roomWithCenterPart(input.roomId) })
  const { room, center } = roomWithCenterOf(docs.room)
  requireCenterStaff(caller, center)
  const file = await platform().codes.create({ scene: room.code, page: CHECK_IN_PAGE, path: `centers/room-codes/${room._id}-${room.code}.png` })
  return { roomId: room._id, roomName: room.name, centerName: center.name, code: room.code, qrUrl: file.url, page: CHECK_IN_PAGE }
}
