import type { NoticeDetail } from '../../contracts/notices'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import { canEdit, canViewStats, isVisibleTo, NOTICES, READS, readId, readIdExpression, type NoticeRecord, type ReadRecord } from './model'
import { toDetail } from './view'

/**
 * Opens a notice. Someone in its audience (while it is visible) gets it and it is marked read: the
 * read's `_id` is `${noticeId}:${openid}`, so opening it twice — or on two phones at once — counts
 * once and keeps the first time. Its managers get it in any state (without a read: they are not
 * its audience unless they also live there). Anyone else gets NOT_FOUND, exactly as for a notice
 * that does not exist.
 */
export async function get(noticeId: string, ctx: FirstReadContext): Promise<NoticeDetail> {
  const now = clock.date()
  // The caller, and the notice with the caller's read (the read's _id is the notice's and the
  // reader's: the openid the shell identifies them by, whose users document readWithCaller checks), in one read.
  const openid = ctx.openid
  const { caller, docs } = await ctx.readWithCaller({
    notice: {
      collection: NOTICES,
      build: (p) =>
        p
          .match({ _id: noticeId })
          .limit(1)
          .addFields({ readKey: readIdExpression(openid) })
          .lookup({ from: READS, localField: 'readKey', foreignField: '_id', as: 'reads' })
    }
  })
  const [found] = docs.notice
  if (!found) throw notFound('通知')
  const { readKey: _key, reads, ...notice } = found as NoticeRecord & { readKey: string; reads: ReadRecord[] }
  const visible = isVisibleTo(notice, caller, now)
  if (!visible && !canEdit(notice, caller) && !canViewStats(notice, caller)) throw notFound('通知')
  const existing = reads[0] ?? null
  const read = visible && !existing ? await markRead(notice, caller, now) : existing
  return toDetail(notice, caller, now, read)
}

async function findRead(noticeId: string, openid: string): Promise<ReadRecord | null> {
  const res = await db().collection(READS).where({ _id: readId(noticeId, openid) }).limit(1).get()
  return (res.data[0] as ReadRecord | undefined) ?? null
}

/** Records the first opening (none was found with the notice). */
async function markRead(notice: NoticeRecord, caller: Caller, now: Date): Promise<ReadRecord> {
  const profile = caller.user?.profile ?? {}
  const record: ReadRecord = {
    _id: readId(notice._id, caller.openid),
    noticeId: notice._id,
    openid: caller.openid,
    communityId: profile.communityId ?? null,
    gridId: profile.gridId ?? null,
    buildingId: profile.buildingId ?? null,
    isMember: caller.roles.includes('member'),
    readAt: now
  }
  try {
    await db().collection(READS).add({ data: record })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    // Opened at the same moment on another phone: that call recorded (and tallied) it.
    return (await findRead(notice._id, caller.openid)) ?? record
  }
  // Only the call that recorded the read tallies it: one atomic increment on the notice.
  const _ = db().command
  const community = record.communityId ?? '_none'
  await db()
    .collection(NOTICES)
    .where({ _id: notice._id })
    .update({
      data: {
        readCount: _.inc(1),
        [`readsByCommunity.${community}`]: _.inc(1),
        ...(record.buildingId && record.communityId ? { [`housedByCommunity.${record.communityId}`]: _.inc(1) } : {})
      }
    })
  return record
}
