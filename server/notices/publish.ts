/**
 * publish / update / withdraw. Every body is sanitised here (the allowlist in sanitize.ts) and every
 * text and image passes the platform content check before anything is stored; bad input stores
 * nothing. Records are never deleted: a withdrawal is a state with its reason, and every change is
 * appended to the notice's history (who, when, what).
 */
import type { z } from 'zod'
import type { noticesPublishInput, noticesUpdateInput, noticesWithdrawInput, NoticeDetail } from '../../contracts/notices'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError, notFound } from '../core/errors'
import { isDistrictAdmin } from '../core/guard'
import type { Caller } from '../core/identity'
import { parseLocal } from '../core/time'
import { platform } from '../platform'
import { docsByIds, resolveAudience, type CommunityDoc, type ResolvedAudience } from './audience'
import { checkFiles, imagesOf } from './files'
import { canEdit, canViewStats, NEVER, NOTICES, type NoticeHistoryEntry, type NoticeRecord, type StoredAttachment } from './model'
import { sanitizeBody, type SanitizedBody } from './sanitize'
import { toDetail } from './view'

type PublishInput = z.output<typeof noticesPublishInput>
type UpdateInput = z.output<typeof noticesUpdateInput>
type WithdrawInput = z.output<typeof noticesWithdrawInput>

/** A time from the input, or INVALID_INPUT on that field. */
function instant(value: string | number, field: string): Date {
  const parsed = parseLocal(value)
  if (!parsed.isValid()) throw new AppError('INVALID_INPUT', '时间格式不正确', [field])
  return parsed.toDate()
}

function sanitized(body: string): SanitizedBody {
  const result = sanitizeBody(body)
  if (!result.text.trim() && result.images.length === 0) throw new AppError('INVALID_INPUT', '正文不能为空', ['body'])
  return result
}

async function checkText(caller: Caller, field: string, text: string): Promise<void> {
  if (!text.trim()) return
  const res = await platform().contentCheck.text(text, caller.openid)
  if (!res.ok) throw new AppError('INVALID_INPUT', res.reason ?? '内容含有违规信息，请修改后再提交', [field])
}

/** Who the readers see as the publisher: the district, or the community (communities). */
async function orgNameOf(caller: Caller, communityIds: string[], known?: ResolvedAudience): Promise<string> {
  if (isDistrictAdmin(caller) && communityIds.length !== 1) {
    if (known?.communityNames) return known.districtName ?? '区级'
    const any = await db().collection('communities').limit(1).get()
    return (any.data[0] as { district?: string } | undefined)?.district ?? '区级'
  }
  const names = known?.communityNames ?? new Map([...(await docsByIds<CommunityDoc>('communities', communityIds))].map(([id, c]) => [id, c.name]))
  return communityIds.map((id) => names.get(id) ?? '').filter(Boolean).join('、') || '社区'
}

const actorName = (caller: Caller) => caller.user?.profile.name ?? '工作人员'

export async function publish(input: PublishInput, caller: Caller): Promise<NoticeDetail> {
  const now = clock.date()
  const audience = await resolveAudience(input.audience, caller)
  const body = sanitized(input.body)
  const attachments = await checkFiles(input.attachments ?? [], body.images, caller)

  let publishAt = input.publishAt === undefined ? now : instant(input.publishAt, 'publishAt')
  if (publishAt.getTime() < now.getTime()) publishAt = now
  const expiresAt = input.expiresAt === undefined ? null : instant(input.expiresAt, 'expiresAt')
  if (expiresAt && expiresAt.getTime() <= publishAt.getTime()) throw new AppError('INVALID_INPUT', '截止时间须晚于发布时间', ['expiresAt'])

  await checkText(caller, 'title', input.title)
  await checkText(caller, 'body', body.text)
  await checkText(caller, 'attachments', attachments.map((a) => a.name).join('\n'))

  const important = input.important ?? false
  const record: Omit<NoticeRecord, '_id'> = {
    title: input.title,
    category: input.category,
    body: body.html,
    bodyNodes: body.nodes,
    bodyText: body.text,
    attachments,
    audience: audience.audience,
    audienceLabel: audience.label,
    audienceKeys: audience.audienceKeys,
    audienceRoles: audience.audienceRoles,
    communityIds: audience.communityIds,
    manageKeys: audience.manageKeys,
    audienceVersion: 1,
    publishAt,
    expiresAt,
    visibleUntil: expiresAt ?? NEVER,
    pinned: input.pinned ?? false,
    important,
    status: 'active',
    publisher: { openid: caller.openid, name: actorName(caller), orgName: await orgNameOf(caller, audience.communityIds, audience) },
    createdAt: now,
    updatedAt: now,
    editedAt: null,
    pushState: important ? 'pending' : 'none',
    pushCursor: '',
    pushedCount: 0,
    pushLockUntil: null,
    history: [{ action: 'publish', at: now, by: caller.openid, byName: actorName(caller), ...(publishAt > now ? { note: '定时发布' } : {}) }],
    readCount: 0,
    readsByCommunity: {},
    housedByCommunity: {}
  }
  const { _id } = await db().collection(NOTICES).add({ data: record })
  const saved = { ...record, _id } as NoticeRecord
  // An important notice is pushed by the notices timer (every minute: push.ts), not while the publisher waits.
  return toDetail(saved, caller, now, null)
}

export async function loadNotice(noticeId: string): Promise<NoticeRecord> {
  const res = await db().collection(NOTICES).where({ _id: noticeId }).limit(1).get()
  const notice = res.data[0] as NoticeRecord | undefined
  if (!notice) throw notFound('通知')
  return notice
}

/** The notice for a manager: NOT_FOUND when the caller may not even see it, FORBIDDEN when they may see but not change it. */
async function loadForEdit(noticeId: string, caller: Caller): Promise<NoticeRecord> {
  const notice = await loadNotice(noticeId)
  if (canEdit(notice, caller)) return notice
  if (canViewStats(notice, caller)) throw new AppError('FORBIDDEN', '只有发布单位可以修改或撤回这条通知')
  throw notFound('通知')
}

export async function update(input: UpdateInput, caller: Caller): Promise<NoticeDetail> {
  const now = clock.date()
  const notice = await loadForEdit(input.noticeId, caller)
  if (notice.status === 'withdrawn') throw new AppError('CONFLICT', '通知已撤回，不能再修改')
  const published = notice.publishAt.getTime() <= now.getTime()
  const set: Partial<NoticeRecord> = {}
  const changed: string[] = []

  if (input.title !== undefined && input.title !== notice.title) {
    await checkText(caller, 'title', input.title)
    set.title = input.title
    changed.push('标题')
  }
  if (input.category !== undefined && input.category !== notice.category) {
    set.category = input.category
    changed.push('类别')
  }
  let images: string[] = []
  if (input.body !== undefined) {
    const body = sanitized(input.body)
    if (body.html !== notice.body) {
      await checkText(caller, 'body', body.text)
      Object.assign(set, { body: body.html, bodyNodes: body.nodes, bodyText: body.text })
      images = body.images
      changed.push('正文')
    }
  }
  if (input.attachments !== undefined || images.length) {
    const attachments: StoredAttachment[] = await checkFiles(input.attachments ?? notice.attachments, images, caller, notice.attachments, imagesOf(notice.bodyNodes))
    if (JSON.stringify(attachments) !== JSON.stringify(notice.attachments)) {
      await checkText(caller, 'attachments', attachments.map((a) => a.name).join('\n'))
      set.attachments = attachments
      changed.push('附件')
    }
  }
  if (input.audience !== undefined) {
    const audience = await resolveAudience(input.audience, caller)
    if (JSON.stringify(audience.audience) !== JSON.stringify(notice.audience)) {
      // Staff may only move a notice among their own communities (resolveAudience checked the new
      // one; canEdit checked the old one).
      Object.assign(set, {
        audience: audience.audience,
        audienceLabel: audience.label,
        audienceKeys: audience.audienceKeys,
        audienceRoles: audience.audienceRoles,
        communityIds: audience.communityIds,
        manageKeys: audience.manageKeys,
        audienceVersion: notice.audienceVersion + 1
      })
      changed.push('通知对象')
    }
  }
  let publishAt = notice.publishAt
  if (input.publishAt !== undefined) {
    const next = instant(input.publishAt, 'publishAt')
    if (Math.abs(next.getTime() - notice.publishAt.getTime()) >= 60_000) {
      if (published) throw new AppError('CONFLICT', '通知已发布，不能再修改发布时间')
      publishAt = next.getTime() < now.getTime() ? now : next
      set.publishAt = publishAt
      changed.push('发布时间')
    }
  }
  if (input.expiresAt !== undefined) {
    const expiresAt = input.expiresAt === null ? null : instant(input.expiresAt, 'expiresAt')
    if ((expiresAt?.getTime() ?? null) !== (notice.expiresAt ? new Date(notice.expiresAt).getTime() : null)) {
      set.expiresAt = expiresAt
      set.visibleUntil = expiresAt ?? NEVER
      changed.push('截止时间')
    }
  }
  const visibleUntil = set.visibleUntil ?? notice.visibleUntil
  if (visibleUntil.getTime() <= publishAt.getTime()) throw new AppError('INVALID_INPUT', '截止时间须晚于发布时间', ['expiresAt'])
  if (input.pinned !== undefined && input.pinned !== notice.pinned) {
    set.pinned = input.pinned
    changed.push(input.pinned ? '置顶' : '取消置顶')
  }
  if (input.important !== undefined && input.important !== notice.important) {
    set.important = input.important
    // Turning "important" on sends the push (once); turning it off stops one not yet sent.
    if (input.important && notice.pushState === 'none') set.pushState = 'pending'
    if (!input.important && notice.pushState === 'pending') set.pushState = 'cancelled'
    changed.push(input.important ? '设为重要' : '取消重要')
  }

  if (changed.length === 0) return toDetail(notice, caller, now, null)

  const _ = db().command
  const entry: NoticeHistoryEntry = { action: 'update', at: now, by: caller.openid, byName: actorName(caller), note: input.note ? `${changed.join('、')}：${input.note}` : `修改了${changed.join('、')}` }
  const res = await db()
    .collection(NOTICES)
    .where({ _id: notice._id, status: 'active' })
    .update({ data: { ...set, updatedAt: now, ...(published ? { editedAt: now } : {}), history: _.push([entry]) } })
  if (res.stats.updated === 0) throw new AppError('CONFLICT', '通知已撤回，不能再修改')
  // The notice as just written (the guarded update matched the one read; a push changes only its
  // own fields, which the detail does not show): no read back.
  const saved: NoticeRecord = { ...notice, ...set, updatedAt: now, ...(published ? { editedAt: now } : {}), history: [...(notice.history ?? []), entry] }
  return toDetail(saved, caller, now, null)
}

export async function withdraw(input: WithdrawInput, caller: Caller): Promise<NoticeDetail> {
  const now = clock.date()
  const notice = await loadForEdit(input.noticeId, caller)
  if (notice.status === 'withdrawn') throw new AppError('CONFLICT', '通知已撤回')
  const _ = db().command
  const entry: NoticeHistoryEntry = { action: 'withdraw', at: now, by: caller.openid, byName: actorName(caller), ...(input.reason ? { note: input.reason } : {}) }
  const res = await db()
    .collection(NOTICES)
    .where({ _id: notice._id, status: 'active' })
    .update({
      data: {
        status: 'withdrawn',
        withdrawnAt: now,
        withdrawnReason: input.reason ?? '',
        updatedAt: now,
        pushState: notice.pushState === 'pending' ? 'cancelled' : notice.pushState,
        history: _.push([entry])
      }
    })
  // Two withdrawals at once: one wins, the other is told it is already done.
  if (res.stats.updated === 0) throw new AppError('CONFLICT', '通知已撤回')
  // The notice as just written (the guarded update matched the active one read): no read back.
  const saved: NoticeRecord = {
    ...notice,
    status: 'withdrawn',
    withdrawnAt: now,
    withdrawnReason: input.reason ?? '',
    updatedAt: now,
    pushState: notice.pushState === 'pending' ? 'cancelled' : notice.pushState,
    history: [...(notice.history ?? []), entry]
  }
  return toDetail(saved, caller, now, null)
}
