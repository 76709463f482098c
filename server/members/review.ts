import type { PlacementInput, Registration, reviewInput } from '../../contracts/members'
import type { z } from '../../contracts/zod'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db, isDuplicateKey } from '../core/db'
import type { FirstReadContext } from '../core/function'
import { conflict, notFound } from '../core/errors'
import { requireCommunityStaff } from '../core/guard'
import { emptyScopes, type UserRecord } from '../core/identity'
import { findById, getById } from '../core/records'
import { REGISTRATIONS, slotFor, toView, type HistoryRecord, type RegistrationRecord } from './model'
import { notifyReviewed } from './notify'
import { reviewOf, reviewPart, validatePlacement } from './placement'

type ReviewData = z.output<typeof reviewInput>

const alreadyReviewed = () => conflict('该报到已被处理，请刷新后查看')
const changedAddress = () => conflict('报到人刚刚修改了报到信息，请刷新后重新审核')

const sameAddress = (a: RegistrationRecord, b: RegistrationRecord) => a.communityId === b.communityId && a.gridId === b.gridId && a.buildingId === b.buildingId

/** A guard that the registration is still as read (every submit sets updatedAt). */
const unedited = (r: RegistrationRecord) => (r.updatedAt ? { updatedAt: r.updatedAt } : { updatedAt: db().command.exists(false) })

/** Why a guarded review matched nothing: reviewed by someone else, or edited by the registrant. */
async function changedMeanwhile(r: RegistrationRecord) {
  const latest = await findById<RegistrationRecord>(REGISTRATIONS, r._id)
  return latest && latest.status === 'pending' ? changedAddress() : alreadyReviewed()
}

/**
 * Staff of the registration's community (or district admin) approve — placing the member in
 * branch, group and household (suggested from the address unless given) — or reject with a
 * reason. Exactly one review wins when two staff act at once; the member is told either way.
 */
export async function review(input: ReviewData, ctx: FirstReadContext): Promise<{ registration: Registration }> {
  // The caller, and the registration with every place its review and view name (one round trip).
  const { caller, docs } = await ctx.readWithCaller({ registration: reviewPart(input.registrationId) })
  const read = reviewOf(docs.registration)
  if (!read) throw notFound('报到记录')
  const { record: r, known } = read
  requireCommunityStaff(caller, r.communityId)
  if (r.status !== 'pending') throw alreadyReviewed()
  const now = clock.date()
  const actorName = caller.user?.profile?.name

  if (input.decision === 'reject') {
    const reason = input.reason as string
    // The reason is pushed to the member and shown in their history.
    await checkVisibleTexts(caller.openid, [['reason', reason]])
    const entry: HistoryRecord = { at: now, event: 'rejected', actor: caller.openid, actorName, note: reason }
    const _ = db().command
    const rejection = {
      status: 'rejected' as const,
      slot: slotFor('rejected', r.openid, r._id),
      rejectReason: reason,
      reviewedAt: now,
      reviewedBy: caller.openid,
      reviewerName: actorName ?? '',
      updatedAt: now
    }
    let current = r
    let saved: RegistrationRecord | null = null
    for (let attempt = 0; attempt < 3 && !saved; attempt++) {
      const res = await db()
        .collection(REGISTRATIONS)
        // Guarded by what the decision was taken on: still pending, still in this reviewer's community
        // (the registrant may have moved it elsewhere meanwhile by submitting again), and unedited since
        // read, so the record rejected is the one read with the rejection (no read back).
        .where({ _id: r._id, status: 'pending', communityId: r.communityId, ...unedited(current) })
        .update({ data: { ...rejection, history: _.push(entry) } })
      if (res.stats.updated > 0) saved = { ...current, ...rejection, history: [...(current.history ?? []), entry] }
      else {
        // Edited meanwhile but still pending here: reject the edited one.
        const latest = await findById<RegistrationRecord>(REGISTRATIONS, r._id)
        if (!latest || latest.status !== 'pending' || latest.communityId !== r.communityId) throw await changedMeanwhile(r)
        current = latest
      }
    }
    if (!saved) throw changedAddress()
    const view = await toView(saved, { withHistory: true }, known)
    await notifyReviewed(saved, view)
    return { registration: view }
  }

  // The placement's documents checked or suggested are those the view names (not read again).
  const placement: PlacementInput = input.placement ? await validatePlacement(input.placement, r.communityId, known) : read.suggested
  const approvedEntry: HistoryRecord = { at: now, event: 'approved', actor: caller.openid, actorName }
  const approval = (current: RegistrationRecord) => ({
    status: 'approved' as const,
    slot: slotFor('approved', current.openid, current._id),
    placement,
    reviewedAt: now,
    reviewedBy: caller.openid,
    reviewerName: actorName ?? '',
    updatedAt: now
  })
  let saved: RegistrationRecord | null = null
  let current = r
  if (!r.isTransfer) {
    // A first registration changes one document: a guarded update is atomic (the second of two
    // reviewers matches nothing) and needs no transaction. The guard holds everything the decision
    // was taken on: pending, not (yet) a transfer, and the address the placement was chosen or
    // validated for — the registrant may submit again (edit, or move it to another community)
    // while staff look at it; unedited since read, so the record approved is the one read plus the
    // approval (no read back). A transfer changes two documents: see below.
    const _ = db().command
    const res = await db()
      .collection(REGISTRATIONS)
      .where({ _id: r._id, status: 'pending', isTransfer: false, communityId: r.communityId, gridId: r.gridId, buildingId: r.buildingId, ...unedited(r) })
      .update({ data: { ...approval(r), history: _.push(approvedEntry) } })
    if (res.stats.updated > 0) saved = { ...r, ...approval(r), history: [...(r.history ?? []), approvedEntry] }
    else {
      const latest = await getById<RegistrationRecord>(REGISTRATIONS, r._id, '报到记录')
      if (latest.status !== 'pending' || !sameAddress(latest, r)) throw await changedMeanwhile(r)
      // Edited at the same address: approved as it is now, below.
      current = latest
    }
  }
  if (!saved) {
    // A transfer changes two documents, without a transaction: the registration it leaves is
    // released first (its approved slot freed: guarded by its being approved and unchanged since
    // read, so of two reviewers one releases it), then this one approved by the same guarded update
    // as a first registration. When that matches nothing (rejected or edited meanwhile) the old one
    // is put back exactly as read; an approval by another reviewer who found it released already
    // (the unique approved slot lets only one approved registration stand) is the one that stays.
    const _ = db().command
    const old = current.transferFrom && read.transferredFrom?._id === current.transferFrom ? read.transferredFrom : null
    let released = false
    if (old && old.status === 'approved') {
      const entry: HistoryRecord = { at: now, event: 'transferred', actor: caller.openid, actorName, note: '已转至新居住地社区' }
      const res = await db()
        .collection(REGISTRATIONS)
        .where({ _id: old._id, status: 'approved', ...unedited(old) })
        .update({ data: { status: 'transferred', slot: slotFor('transferred', old.openid, old._id), transferredTo: r._id, updatedAt: now, history: _.push(entry) } })
      released = res.stats.updated > 0
    }
    let approved = false
    try {
      const res = await db()
        .collection(REGISTRATIONS)
        .where({ _id: r._id, status: 'pending', communityId: r.communityId, gridId: r.gridId, buildingId: r.buildingId, ...unedited(current) })
        .update({ data: { ...approval(current), history: _.push(approvedEntry) } })
      approved = res.stats.updated > 0
    } catch (error) {
      // The old registration still holds the approved slot (changed since read): not approved.
      if (!isDuplicateKey(error)) throw error
    }
    if (!approved) {
      if (released && old)
        await db()
          .collection(REGISTRATIONS)
          .where({ _id: old._id, status: 'transferred', transferredTo: r._id })
          .update({ data: { status: 'approved', slot: old.slot, transferredTo: _.remove(), updatedAt: old.updatedAt, history: old.history ?? [] } })
          .catch((error: unknown) => {
            // Approved meanwhile by another reviewer (the approved slot is theirs): it stays released.
            if (!isDuplicateKey(error)) throw error
          })
      throw await changedMeanwhile(r)
    }
    saved = { ...current, ...approval(current), history: [...(current.history ?? []), approvedEntry] }
  }
  const [view] = await Promise.all([toView(saved, { withHistory: true }, known), grantMember(saved, read.userExists)])
  await notifyReviewed(saved, view)
  return { registration: view }
}

/**
 * Gives the registrant the member role (no duplicates) and their residence as profile, upserting
 * their `users` document. Idempotent: `me` calls it again if an approval's follow-up was lost.
 */
export async function grantMember(r: RegistrationRecord, userExists = true): Promise<void> {
  const _ = db().command
  const now = clock.date()
  const profile: UserRecord['profile'] = { name: r.name, mobile: r.mobile, communityId: r.communityId, gridId: r.gridId, buildingId: r.buildingId }
  for (let attempt = 0; attempt < 3; attempt++) {
    // A registrant known to have no user document yet: the add is tried first (one round trip).
    if (attempt === 0 && !userExists && (await addMember(r, profile, now))) return
    // updatedAt always changes, so an existing user always counts as updated.
    const res = await db()
      .collection('users')
      .where({ _id: r.openid })
      .update({ data: { roles: _.addToSet('member'), profile: _.set(profile), updatedAt: now } })
    if (res.stats.updated > 0) return
    // No user document yet: create it (a duplicate means it was created meanwhile: update it).
    if (await addMember(r, profile, now)) return
  }
}

/** Adds the registrant's user document as a member; false when it exists already (created meanwhile). */
async function addMember(r: RegistrationRecord, profile: UserRecord['profile'], now: Date): Promise<boolean> {
  try {
    const user: UserRecord = { _id: r.openid, openid: r.openid, roles: ['member'], scopes: emptyScopes(), profile, createdAt: now, updatedAt: now }
    await db().collection('users').add({ data: user })
    return true
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    return false
  }
}
