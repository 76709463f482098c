/**
 * Receiving the verdicts of the asynchronous image check (security.mediaCheckAsync).
 *
 * WeChat pushes each verdict through 消息推送 as a JSON event (no `action`):
 *   { ToUserName, FromUserName, CreateTime, MsgType: 'event', Event: 'wxa_media_check', appid,
 *     trace_id, version: 2, detail: [...], errcode, errmsg, result: { suggest, label } }
 * Set-up (mini-program console): 开发管理 → 开发设置 → 消息推送 → 启用, 数据格式 JSON, and in the
 * cloud console (云开发 → 设置 → 其他设置 → 消息推送) add 消息类型 `event`, 事件类型 `wxa_media_check`,
 * pushed to the cloud function `tickets`, whose entry wraps its shell with `withMediaVerdicts`
 * (cloudfunctions/tickets/index.ts), as its timer is wrapped with `withTimer`.
 *
 * Only the platform may deliver it. A user's call always comes from the app (getWXContext SOURCE
 * `wx_client`, OPENID = the user); a push carries no user — at most the push service's own account
 * as OPENID, which is then the event's FromUserName. Such calls are refused; and the verdict is
 * applied only to a recorded check (`mediaChecks`, _id = the trace id WeChat returned to the server,
 * never shown to anyone), so a forged event cannot touch anything.
 *
 * On `risky` the image is removed from every record that shows it (the photos of tickets, ticket
 * history entries, wishes and centres; the attachments and body of notices), keeping it in the
 * record's `hiddenPhotos` / `hiddenImages`, and the author is told: a 系统 note in the ticket's
 * history, a 心愿进度 subscription message for a wish, a history entry on the notice. Delivering
 * the same verdict again changes nothing more.
 */
import { fail, ok, type Reply } from '../../contracts/reply'
import type { NoticeRecord } from '../notices/model'
import { TEMPLATES, phrase, thing } from '../notify/templates'
import { platform } from '../platform'
import { mutateTicket } from '../tickets/mutate'
import type { TicketRecord } from '../tickets/model'
import type { WishRecord } from '../wishes/model'
import type { RichNode } from '../../contracts/notices'
import { clock } from '../core/clock'
import { db, isDuplicateKey, sdk } from '../core/db'
import { identify } from '../core/identity'
import { checkOfTrace, MEDIA_CHECKS, traceWhere, type HiddenIn, type MediaCheckRecord, type MediaCheckStatus, type StoredMediaCheck } from '../core/mediaChecks'
import { shanghai } from '../core/time'

export const HIDDEN_NOTE = '图片未通过内容安全检测，已隐藏'
const WISH_PAGE = 'packages/tickets/pages/wish/index'

export interface MediaCheckEvent {
  ToUserName?: string
  FromUserName?: string
  CreateTime?: number
  MsgType: 'event'
  Event: 'wxa_media_check'
  appid?: string
  trace_id: string
  version?: number
  detail?: Array<{ strategy?: string; errcode?: number; suggest?: string; label?: number; prob?: number }>
  errcode?: number
  errmsg?: string
  result?: { suggest?: string; label?: number }
}

/** The shape of a 消息推送 verdict (routing only: nothing in it is trusted but the trace id). */
export function isMediaCheckEvent(event: unknown): event is MediaCheckEvent {
  const e = event as Record<string, unknown> | null
  return !!e && typeof e === 'object' && e.MsgType === 'event' && e.Event === 'wxa_media_check'
}

const CLIENT_SOURCES = ['wx_client', 'wx_devtools', 'wx_localdebug']

/**
 * A person's call rather than WeChat's push: the app's calls come with SOURCE wx_client (or the
 * devtools') and the user's OPENID; a push has no OPENID, or the push account's, equal to FromUserName.
 */
function isUserCall(context: { OPENID?: unknown; SOURCE?: unknown }, event: { FromUserName?: unknown }): boolean {
  const openid = typeof context.OPENID === 'string' ? context.OPENID : ''
  if (!openid) return false
  const source = typeof context.SOURCE === 'string' ? context.SOURCE : ''
  const fromClient = source.split(',').some((s) => CLIENT_SOURCES.includes(s.trim()))
  return fromClient || openid !== event.FromUserName
}

/**
 * Routes WeChat's `wxa_media_check` push (no action) to the verdict receiver; everything else goes
 * to the function shell.
 */
export function withMediaVerdicts(main: (event: unknown, context?: unknown) => Promise<Reply<unknown>>) {
  return async (event: unknown, context?: unknown): Promise<Reply<unknown>> => {
    const e = event as { action?: unknown } | null
    if (e && (e.action === undefined || e.action === null) && isMediaCheckEvent(event)) {
      // A web page (a CloudBase user, signed in or anonymous: it has no OPENID) is never WeChat's push.
      if (identify(context).web) return fail('FORBIDDEN', '无权进行此操作')
      return mediaCheckEventReply(event)
    }
    return main(event, context)
  }
}

/** The answer to a `wxa_media_check` event. */
async function mediaCheckEventReply(event: MediaCheckEvent): Promise<Reply<unknown>> {
  const context = sdk().getWXContext() as { OPENID?: string; SOURCE?: string }
  if (isUserCall(context, event)) {
    console.warn('[mediaCheck] refused a wxa_media_check event from a user', context.SOURCE)
    return fail('FORBIDDEN', '无权进行此操作')
  }
  if (typeof event.trace_id !== 'string' || !event.trace_id || event.trace_id.length > 128) return fail('INVALID_INPUT', '请求格式错误', ['trace_id'])
  try {
    return ok(await receiveMediaCheck(event))
  } catch (error) {
    console.error('[mediaCheck] verdict not applied', event.trace_id, error)
    return fail('INTERNAL', '服务暂时不可用，请稍后重试')
  }
}

function statusOf(event: MediaCheckEvent): { status: MediaCheckStatus; label: number | null } {
  if (event.errcode) return { status: 'error', label: null }
  const suggest = event.result?.suggest
  const label = typeof event.result?.label === 'number' ? event.result.label : null
  if (suggest === 'risky') return { status: 'risky', label }
  if (suggest === 'pass') return { status: 'pass', label }
  return { status: 'review', label }
}

interface VerdictOutcome {
  traceId: string
  /** False: no such recorded check (ignored). */
  known: boolean
  status?: MediaCheckStatus
  hidden: HiddenIn[]
}

/** Records the verdict; on `risky` hides the image everywhere it is shown and tells its author. */
async function receiveMediaCheck(event: MediaCheckEvent): Promise<VerdictOutcome> {
  const traceId = event.trace_id
  const res = await db().collection(MEDIA_CHECKS).where(traceWhere(traceId)).limit(2).get()
  const check = checkOfTrace(res.data as StoredMediaCheck[], traceId)
  if (!check) return { traceId, known: false, hidden: [] }
  const verdict = statusOf(event)
  // A risky verdict is final: a later (repeated or forged) pass never clears it.
  const status: MediaCheckStatus = check.status === 'risky' ? 'risky' : verdict.status
  const hidden = status === 'risky' ? await hideEverywhere(check) : []
  const _ = db().command
  const decided = { status, decidedAt: clock.date(), label: check.status === 'risky' ? check.label : verdict.label, errcode: event.errcode ?? 0 }
  const updateOwn = () =>
    db()
      .collection(MEDIA_CHECKS)
      .where({ _id: traceId })
      .update({ data: { ...decided, ...(hidden.length ? { hidden: _.push(hidden) } : {}) } })
  const ownRecord = (res.data as Array<{ _id: string }>).some((doc) => doc._id === traceId)
  if (ownRecord) await updateOwn()
  else {
    // A file of a batch gets its own record with the verdict (a verdict delivered twice at once updates it).
    try {
      await db()
        .collection(MEDIA_CHECKS)
        .add({ data: { ...check, ...decided, hidden } })
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      await updateOwn()
    }
  }
  return { traceId, known: true, status, hidden }
}

/** Removes the file from every record showing it; returns where it was removed. */
async function hideEverywhere(check: Pick<MediaCheckRecord, 'fileID' | 'openid'>): Promise<HiddenIn[]> {
  const { fileID } = check
  const isNotice = /(^local:\/\/|\/)notices\//.test(fileID)
  const [tickets, ticketEvents, wishes, centers, notices] = await Promise.all([
    isNotice ? [] : findWith<TicketRecord>('tickets', { photos: fileID }),
    isNotice ? [] : findWith<{ _id: string; ticketId: string }>('ticketEvents', { photos: fileID }),
    isNotice ? [] : findWith<WishRecord>('wishes', { photos: fileID }),
    isNotice ? [] : findWith<{ _id: string; photos: string[] }>('centers', { photos: fileID }),
    isNotice ? findNotices(fileID) : []
  ])
  const hidden: HiddenIn[] = []
  await Promise.all([
    hideInTickets(fileID, tickets, ticketEvents, hidden),
    ...wishes.map((w) => hideInWish(fileID, w, check.openid, hidden)),
    ...centers.map((c) => hideInCenter(fileID, c, hidden)),
    ...notices.map((n) => hideInNotice(fileID, n, hidden))
  ])
  return hidden
}

async function findWith<T>(collection: string, where: Record<string, unknown>): Promise<T[]> {
  const res = await db().collection(collection).where(where).limit(100).get()
  return res.data as T[]
}

async function findNotices(fileID: string): Promise<NoticeRecord[]> {
  const _ = db().command
  const inBody = db().RegExp({ regexp: escapeRegExp(`src="${escapeHtml(fileID)}"`) })
  const res = await db()
    .collection('notices')
    .where(_.or([{ 'attachments.fileID': fileID }, { body: inBody }]))
    .limit(100)
    .get()
  return res.data as NoticeRecord[]
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/**
 * An attribute value as the notice sanitiser writes it (the same as escapeHtml in
 * server/notices/sanitize.ts, not imported so every function's bundle stays without htmlparser2).
 */
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/**
 * Ticket photos and history entries' photos lose the file; each ticket concerned gets one 系统
 * note in its history (in the same transaction as its own photos change).
 */
async function hideInTickets(fileID: string, tickets: TicketRecord[], events: { _id: string; ticketId: string }[], hidden: HiddenIn[]): Promise<void> {
  const _ = db().command
  if (events.length) {
    await db()
      .collection('ticketEvents')
      .where({ _id: _.in(events.map((e) => e._id)) })
      .update({ data: { photos: _.pull(fileID), hiddenPhotos: _.push([fileID]) } })
    for (const e of events) hidden.push({ collection: 'ticketEvents', id: e._id })
  }
  const ticketIds = [...new Set([...tickets.map((t) => t._id), ...events.map((e) => e.ticketId)])]
  await Promise.all(
    ticketIds.map(async (ticketId) => {
      await mutateTicket(ticketId, (t) => {
        const shown = (t.photos ?? []).includes(fileID)
        const record = t as TicketRecord & { hiddenPhotos?: string[] }
        const set = shown ? ({ photos: t.photos.filter((p) => p !== fileID), hiddenPhotos: [...(record.hiddenPhotos ?? []), fileID] } as Partial<TicketRecord>) : {}
        return { set, event: { kind: 'comment', actor: 'system', actorName: '系统', note: HIDDEN_NOTE, internal: false } }
      })
      if (tickets.some((t) => t._id === ticketId)) hidden.push({ collection: 'tickets', id: ticketId })
    })
  )
}

async function hideInWish(fileID: string, w: WishRecord, author: string, hidden: HiddenIn[]): Promise<void> {
  const _ = db().command
  const res = await db()
    .collection('wishes')
    .where({ _id: w._id, photos: fileID })
    .update({ data: { photos: _.pull(fileID), hiddenPhotos: _.push([fileID]), updatedAt: clock.date() } })
  if (res.stats.updated === 0) return
  hidden.push({ collection: 'wishes', id: w._id })
  try {
    await platform().messages.send({
      touser: author,
      templateId: TEMPLATES.wishProgress.id,
      page: `${WISH_PAGE}?id=${w._id}`,
      data: { thing1: thing(w.title), phrase2: phrase('图片已隐藏'), thing3: thing('图片未通过内容安全检测'), time4: { value: shanghai(clock.now()).format('YYYY-MM-DD HH:mm') } },
      summary: `心愿“${w.title}”：${HIDDEN_NOTE}`
    })
  } catch (error) {
    console.error('[mediaCheck] wish author not told', w._id, error)
  }
}

async function hideInCenter(fileID: string, c: { _id: string }, hidden: HiddenIn[]): Promise<void> {
  const _ = db().command
  const res = await db()
    .collection('centers')
    .where({ _id: c._id, photos: fileID })
    .update({ data: { photos: _.pull(fileID), hiddenPhotos: _.push([fileID]) } })
  if (res.stats.updated > 0) {
    hidden.push({ collection: 'centers', id: c._id })
    console.warn('[mediaCheck] centre photo hidden', c._id, fileID)
  }
}

/** A copy of the nodes without the image (at any depth). */
function withoutImage(nodes: RichNode[], fileID: string): RichNode[] {
  return nodes
    .filter((node) => !(node.name === 'img' && node.attrs?.src === fileID))
    .map((node) => (node.children ? { ...node, children: withoutImage(node.children, fileID) } : node))
}

async function hideInNotice(fileID: string, n: NoticeRecord, hidden: HiddenIn[]): Promise<void> {
  const _ = db().command
  const imgTag = new RegExp(`<img src="${escapeRegExp(escapeHtml(fileID))}"[^>]*>`, 'g')
  const now = clock.date()
  const res = await db()
    .collection('notices')
    // Guarded by the body read, so an edit saved meanwhile is not overwritten (it is checked again on its own).
    .where({ _id: n._id, body: n.body })
    .update({
      data: {
        attachments: n.attachments.filter((a) => a.fileID !== fileID),
        bodyNodes: withoutImage(n.bodyNodes ?? [], fileID),
        body: n.body.replace(imgTag, ''),
        hiddenImages: _.push([fileID]),
        history: _.push([{ action: 'update', at: now, by: 'system', byName: '系统', note: HIDDEN_NOTE }])
      }
    })
  if (res.stats.updated > 0) hidden.push({ collection: 'notices', id: n._id })
}
