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
} from '../../src/contracts/centers'
import type { z } from '../../src/contracts/zod'
import type { roomCodeInput, saveCenterInput, saveRoomInput, setStatusInput } from '../../src/contracts/centers'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError, invalid } from '../core/errors'
import { isDistrictAdmin, requireCommunityStaff } from '../core/guard'
import type { Caller } from '../core/identity'
import { findById } from '../core/records'
import { platform } from '../platform'
import { getCenter, getRoomWithCenter, requireCenterStaff } from './access'
import { dayOf } from './calendar'
import { centerDetail } from './centers'
import { callerName, COLL, newId, newRoomCode, toRoomView, type CenterDoc, type FundDoc, type RoomDoc, type StatusChange } from './model'
import { isDuplicateKey } from './store'

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
export async function recordAutomaticFund(center: CenterDoc, type: 'subsidy' | 'reward', caller: Caller): Promise<void> {
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
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
}

export async function saveCenter(input: z.infer<typeof saveCenterInput>, caller: Caller): Promise<CenterDetail> {
  requireCommunityStaff(caller, input.communityId)
  const community = await findById<{ _id: string; order: number }>('communities', input.communityId)
  if (!community) throw invalid('社区不存在', ['communityId'])
  if (input.gridId) {
    const grid = await findById<{ communityId: string }>('grids', input.gridId)
    if (!grid || grid.communityId !== input.communityId) throw invalid('小区不属于该社区', ['gridId'])
  }
  await checkText(caller, input.name, input.description, input.address)
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
    photos: input.photos,
    updatedAt: now
  }
  if (input.centerId) {
    const center = await getCenter(input.centerId)
    requireCenterStaff(caller, center)
    if (center.communityId !== input.communityId && !isDistrictAdmin(caller)) throw new AppError('FORBIDDEN', '仅区级管理员可调整中心所属社区')
    await db().collection(COLL.centers).doc(center._id).update({ data: fields })
    return centerDetail(center._id, caller)
  }
  if (!isDistrictAdmin(caller)) throw new AppError('FORBIDDEN', '新建邻里中心需由区级管理员列入建设计划')
  const { total } = await db().collection(COLL.centers).where({ communityId: input.communityId }).count()
  const center: CenterDoc = {
    _id: newId('ctr'),
    ...fields,
    status: 'planned',
    statusHistory: [{ status: 'planned', at: now, actor: caller.openid, actorName: callerName(caller), note: '列入建设计划' }],
    order: community.order * 1000 + total + 1,
    roomCount: 0,
    createdAt: now
  }
  await db().collection(COLL.centers).add({ data: center })
  await recordAutomaticFund(center, 'subsidy', caller)
  return centerDetail(center._id, caller)
}

export async function setStatus(input: z.infer<typeof setStatusInput>, caller: Caller): Promise<CenterDetail> {
  const center = await getCenter(input.centerId)
  requireCenterStaff(caller, center)
  const from = CENTER_STATUSES.indexOf(center.status)
  const to = CENTER_STATUSES.indexOf(input.status)
  if (to === from) return centerDetail(center._id, caller)
  const admin = isDistrictAdmin(caller)
  // Staff move a centre one step forward; acceptance and corrections (steps back) are the district's.
  if (input.status === 'accepted' && !admin) throw new AppError('FORBIDDEN', '验收由区级管理员确认')
  if (to < from && !admin) throw new AppError('FORBIDDEN', '状态回退需由区级管理员操作')
  if (to > from + 1 && !admin) throw new AppError('CONFLICT', `请先将状态改为"${CENTER_STATUS_LABELS[CENTER_STATUSES[from + 1] as CenterStatus]}"`)
  const _ = db().command
  const change: StatusChange = { status: input.status, at: clock.date(), actor: caller.openid, actorName: callerName(caller), note: input.note }
  const res = await db()
    .collection(COLL.centers)
    .where({ _id: center._id, status: center.status })
    .update({ data: { status: input.status, updatedAt: clock.date(), statusHistory: _.push([change]) } })
  if (res.stats.updated !== 1) throw new AppError('CONFLICT', '状态已被他人修改，请刷新后重试')
  if (input.status === 'accepted') await recordAutomaticFund({ ...center, status: 'accepted' }, 'reward', caller)
  return centerDetail(center._id, caller)
}

async function refreshRoomCount(centerId: string): Promise<void> {
  const { total } = await db().collection(COLL.rooms).where({ centerId, active: true }).count()
  await db().collection(COLL.centers).doc(centerId).update({ data: { roomCount: total } })
}

export async function saveRoom(input: z.infer<typeof saveRoomInput>, caller: Caller): Promise<RoomView> {
  const center = await getCenter(input.centerId)
  requireCenterStaff(caller, center)
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
  if (input.roomId) {
    const { room } = await getRoomWithCenter(input.roomId)
    if (room.centerId !== center._id) throw invalid('活动室不属于该中心', ['roomId'])
    if (room.slotMinutes !== input.slotMinutes) {
      // Slot documents are keyed by the grid; changing it under live bookings could double-book.
      const _ = db().command
      const { total } = await db()
        .collection(COLL.bookings)
        .where({ roomId: room._id, status: _.in(['pending', 'confirmed']), end: _.gt(now) })
        .count()
      if (total > 0) throw new AppError('CONFLICT', `该活动室还有${total}个未结束的预约，暂不能修改时段长度`)
    }
    await db().collection(COLL.rooms).doc(room._id).update({ data: fields })
    await refreshRoomCount(center._id)
    return toRoomView({ ...room, ...fields }, true)
  }
  const { total } = await db().collection(COLL.rooms).where({ centerId: center._id }).count()
  for (let attempt = 0; ; attempt++) {
    const room: RoomDoc = { _id: newId('rm'), centerId: center._id, communityId: center.communityId, ...fields, code: newRoomCode(), order: total + 1, createdAt: now }
    try {
      await db().collection(COLL.rooms).add({ data: room })
      await refreshRoomCount(center._id)
      return toRoomView(room, true)
    } catch (error) {
      if (!isDuplicateKey(error) || attempt >= 4) throw error // a code collision: draw another
    }
  }
}

export async function roomCode(input: z.infer<typeof roomCodeInput>, caller: Caller) {
  const { room, center } = await getRoomWithCenter(input.roomId)
  requireCenterStaff(caller, center)
  const file = await platform().codes.create({ scene: room.code, page: CHECK_IN_PAGE, path: `centers/room-codes/${room._id}-${room.code}.png` })
  return { roomId: room._id, roomName: room.name, centerName: center.name, code: room.code, qrUrl: file.url, page: CHECK_IN_PAGE }
}
