import type { z } from 'zod'
import type { noticesListInput, NoticeSummary } from '../../contracts/notices'
import type { Page } from '../../contracts/common'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError } from '../core/errors'
import { managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { aggregateOf, readTogether, type Part } from '../core/together'
import { escapeRegExp, NOTICES, READS, readIdExpression, visibleWhere, type NoticeRecord } from './model'
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

/**
 * The reader's list: one combined read (server/core/together.ts) of the page (with each notice's
 * read looked up by its readId, as the inbox does) and its total. (Due pushes are the notices
 * timer's, push.ts: a reader never waits for them.)
 */
export async function list(input: ListInput, caller: Caller): Promise<Page<NoticeSummary>> {
  if (input.view === 'manage') return manageList(input, caller)
  if (input.sort) throw new AppError('INVALID_INPUT', '只有通知管理列表可以排序', ['sort'])
  const now = clock.date()
  const where = visibleWhere(caller, now, searchConditions(input))
  const parts: Record<string, Part> = {
    page: {
      collection: NOTICES,
      build: (p) =>
        p
          .match(where)
          .sort({ pinned: -1, publishAt: -1 })
          .skip((input.page - 1) * input.pageSize)
          .limit(input.pageSize)
          .project(SUMMARY_FIELDS)
          .addFields({ readKey: readIdExpression(caller.openid) })
          .lookup({ from: READS, localField: 'readKey', foreignField: '_id', as: 'reads' })
          .project({ ...SUMMARY_FIELDS, opened: db().command.aggregate.size('$reads') })
    },
    total: { collection: NOTICES, build: (p) => p.match(where).count('n') }
  }
  const found = await readTogether(parts)
  const notices = found.page as (NoticeRecord & { opened: number })[]
  const total = (found.total[0]?.n as number | undefined) ?? 0
  return {
    items: notices.map(({ opened, ...n }) => toSummary(n as NoticeRecord, now, opened > 0)),
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
      .orderBy('publishAt', input.sort?.order ?? 'desc')
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

/** How many notices of the newest meant for me the unread count considers. */
const INBOX_WINDOW = 1000

export interface InboxNotice {
  noticeId: string
  title: string
  publishAt: Date
  read: boolean
}

/**
 * The notices meant for me and visible now (the newest 1,000): how many I have not opened and, with
 * `shown`, the newest `shown` of them, unread first. One aggregate (each notice's read looked up by
 * its readId); `unreadCount` and users.overview (首页, 我的 → 通知公告) both count with it.
 */
export async function inbox(caller: Caller, now: Date, shown = 0): Promise<{ unread: number; latest: InboxNotice[] }> {
  return inboxOf(await aggregateOf(inboxPart(caller, now, shown)), shown)
}

/** The inbox's aggregate as a part (users.overview reads it together with other collections). */
export function inboxPart(caller: Caller, now: Date, shown = 0): Part {
  const $ = db().command.aggregate
  return {
    collection: NOTICES,
    build: (p) => {
      const query = p
        .match(visibleWhere(caller, now))
        .sort({ publishAt: -1, _id: -1 })
        .limit(INBOX_WINDOW)
        .addFields({ readKey: readIdExpression(caller.openid) })
        .lookup({ from: READS, localField: 'readKey', foreignField: '_id', as: 'reads' })
        // Two groups at most: not opened (0) and opened (1; a read's _id is unique per notice and reader).
        .group({ _id: $.size('$reads'), n: $.sum(1), ...(shown ? { notices: $.push({ noticeId: '$_id', title: '$title', publishAt: '$publishAt' }) } : {}) })
      return shown ? query.project({ n: true, notices: $.slice(['$notices', shown]) }) : query
    }
  }
}

/** The unread count and the newest `shown` (unread first) from the inbox's groups. */
export function inboxOf(docs: Record<string, any>[], shown = 0): { unread: number; latest: InboxNotice[] } {
  const groups = docs as { _id: number; n: number; notices?: Omit<InboxNotice, 'read'>[] }[]
  const unread = groups.find((g) => g._id === 0)
  const read = groups.find((g) => g._id !== 0)
  const latest = [...(unread?.notices ?? []).map((n) => ({ ...n, read: false })), ...(read?.notices ?? []).map((n) => ({ ...n, read: true }))]
  return { unread: unread?.n ?? 0, latest: latest.slice(0, shown) }
}

/** How many notices meant for me and visible now I have not opened (the newest 1,000 are considered). */
export async function unreadCount(caller: Caller): Promise<{ count: number }> {
  return { count: (await inbox(caller, clock.date())).unread }
}
