import type { z } from 'zod'
import type { noticesListInput, NoticeSummary } from '../../contracts/notices'
import type { Page } from '../../contracts/common'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError } from '../core/errors'
import { managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { escapeRegExp, NOTICES, READS, readId, visibleWhere, type NoticeRecord } from './model'
import { dispatchDuePushes, hasDuePushes } from './push'
import { toSummary } from './view'

type ListInput = z.output<typeof noticesListInput>

/** Fields a list needs (not the body). */
const SUMMARY_FIELDS = {
  title: true,
  category: true,
  bodyText: true,
  publishAt: true,
  expiresAt: true,
  visibleUntil: true,
  pinned: true,
  important: true,
  publisher: true,
  editedAt: true,
  attachments: true,
  status: true,
  audienceLabel: true,
  audience: true,
  communityIds: true
} as const

function searchConditions(input: ListInput): object[] {
  const _ = db().command
  const extra: object[] = []
  if (input.category) extra.push({ category: input.category })
  if (input.q) {
    const words = input.q.split(/\s+/).filter(Boolean).slice(0, 5)
    for (const word of words) {
      const re = db().RegExp({ regexp: escapeRegExp(word), options: 'i' })
      extra.push(_.or([{ title: re }, { bodyText: re }]))
    }
  }
  return extra
}

/** Which of these notices the caller has opened (one `_id` lookup). */
async function readSet(noticeIds: string[], openid: string): Promise<Set<string>> {
  if (noticeIds.length === 0) return new Set()
  const _ = db().command
  const res = await db()
    .collection(READS)
    .where({ _id: _.in(noticeIds.map((id) => readId(id, openid))) })
    .field({ noticeId: true })
    .limit(noticeIds.length)
    .get()
  return new Set((res.data as { noticeId: string }[]).map((r) => r.noticeId))
}

/** Sends scheduled pushes that came due (the emulator has no timer trigger; see push.ts). */
async function sendDuePushes(): Promise<void> {
  try {
    if (await hasDuePushes()) await dispatchDuePushes()
  } catch (error) {
    console.error('[notices] dispatch failed', error)
  }
}

export async function list(input: ListInput, caller: Caller): Promise<Page<NoticeSummary>> {
  if (input.view === 'manage') return manageList(input, caller)
  await sendDuePushes()
  const now = clock.date()
  const where = visibleWhere(caller, now, searchConditions(input))
  const ref = db().collection(NOTICES)
  const page = await ref
    .where(where)
    .orderBy('pinned', 'desc')
    .orderBy('publishAt', 'desc')
    .skip((input.page - 1) * input.pageSize)
    .limit(input.pageSize)
    .field(SUMMARY_FIELDS)
    .get()
  const notices = page.data as NoticeRecord[]
  // A first page that is not full is everything: no second query for the total.
  const complete = input.page === 1 && notices.length < input.pageSize
  const [total, read] = await Promise.all([
    complete ? notices.length : ref.where(where).count().then((c) => c.total),
    readSet(
      notices.map((n) => n._id),
      caller.openid
    )
  ])
  return {
    items: notices.map((n) => toSummary(n, now, read.has(n._id))),
    total,
    page: input.page,
    pageSize: input.pageSize
  }
}

/** Staff: the notices of their communities and the district's; district admin: all. Every state. */
async function manageList(input: ListInput, caller: Caller): Promise<Page<NoticeSummary>> {
  const managed = managedCommunities(caller)
  if (managed !== null && managed.length === 0) throw new AppError('FORBIDDEN', '仅社区工作者和区级管理员可以管理通知')
  const _ = db().command
  const now = clock.date()
  const conditions: object[] = searchConditions(input)
  if (managed) conditions.push({ manageKeys: _.in(['district', ...managed]) })
  if (input.status === 'withdrawn') conditions.push({ status: 'withdrawn' })
  if (input.status === 'scheduled') conditions.push({ status: 'active', publishAt: _.gt(now) })
  if (input.status === 'published') conditions.push({ status: 'active', publishAt: _.lte(now), visibleUntil: _.gt(now) })
  if (input.status === 'expired') conditions.push({ status: 'active', visibleUntil: _.lte(now) })
  const where = conditions.length ? _.and(conditions) : {}
  const ref = db().collection(NOTICES)
  const [count, page] = await Promise.all([
    ref.where(where).count(),
    ref
      .where(where)
      .orderBy('publishAt', 'desc')
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .field({ ...SUMMARY_FIELDS, manageKeys: true, readCount: true })
      .get()
  ])
  const notices = page.data as NoticeRecord[]
  return {
    items: notices.map((n) => toSummary(n, now, false, { caller, readCount: n.readCount ?? 0 })),
    total: count.total,
    page: input.page,
    pageSize: input.pageSize
  }
}

/** How many notices meant for me and visible now I have not opened (the newest 1,000 are considered). */
export async function unreadCount(caller: Caller): Promise<{ count: number }> {
  await sendDuePushes()
  const now = clock.date()
  const _ = db().command
  const ref = db().collection(NOTICES)
  const ids: string[] = []
  for (let page = 0; page < 10; page++) {
    const res = await ref
      .where(visibleWhere(caller, now))
      .orderBy('publishAt', 'desc')
      .skip(page * 100)
      .limit(100)
      .field({ _id: true })
      .get()
    ids.push(...(res.data as { _id: string }[]).map((n) => n._id))
    if (res.data.length < 100) break
  }
  if (ids.length === 0) return { count: 0 }
  let read = 0
  for (let i = 0; i < ids.length; i += 100) {
    const res = await db()
      .collection(READS)
      .where({ _id: _.in(ids.slice(i, i + 100).map((id) => readId(id, caller.openid))) })
      .count()
    read += res.total
  }
  return { count: ids.length - read }
}
