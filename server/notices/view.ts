import { NOTICE_CATEGORY_LABELS, type NoticeDetail, type NoticeSummary } from '../../contracts/notices'
import type { Caller } from '../core/identity'
import { attachmentViews, imagesOf, resolveImages, urlsOf } from './files'
import { canEdit, canViewStats, iso, NEVER, statusOf, type NoticeRecord, type ReadRecord } from './model'

const SUMMARY_LENGTH = 60

export function summaryOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > SUMMARY_LENGTH ? `${flat.slice(0, SUMMARY_LENGTH)}…` : flat
}

export function toSummary(notice: NoticeRecord, now: Date, read: boolean, manage?: { caller: Caller; readCount: number }): NoticeSummary {
  const summary: NoticeSummary = {
    noticeId: notice._id,
    title: notice.title,
    category: notice.category,
    categoryLabel: NOTICE_CATEGORY_LABELS[notice.category],
    summary: summaryOf(notice.bodyText),
    publishAt: iso(notice.publishAt)!,
    expiresAt: notice.visibleUntil.getTime() >= NEVER.getTime() ? null : iso(notice.expiresAt),
    pinned: notice.pinned,
    important: notice.important,
    publisherName: notice.publisher.orgName,
    edited: !!notice.editedAt,
    updatedAt: iso(notice.editedAt ?? notice.publishAt)!,
    attachmentCount: notice.attachments.length,
    read,
    status: statusOf(notice, now)
  }
  if (manage) {
    summary.readCount = manage.readCount
    summary.audienceLabel = notice.audienceLabel
    summary.canEdit = canEdit(notice, manage.caller)
  }
  return summary
}

/**
 * The full notice. Managers (who may edit it or see its coverage) also get its audience, status
 * and history; a reader gets what they need to read it.
 */
export async function toDetail(notice: NoticeRecord, caller: Caller, now: Date, read: ReadRecord | null): Promise<NoticeDetail> {
  const urls = await urlsOf([...notice.attachments.map((a) => a.fileID), ...imagesOf(notice.bodyNodes)])
  const editable = canEdit(notice, caller)
  const stats = canViewStats(notice, caller)
  const detail: NoticeDetail = {
    ...toSummary(notice, now, !!read),
    body: notice.body,
    bodyNodes: resolveImages(notice.bodyNodes, urls),
    attachments: attachmentViews(notice.attachments, urls),
    readAt: iso(read?.readAt),
    canEdit: editable,
    canViewStats: stats
  }
  if (editable || stats) {
    detail.audience = { ...notice.audience, label: notice.audienceLabel }
    detail.history = notice.history.map((h) => ({ action: h.action, at: iso(h.at)!, by: h.byName, ...(h.note ? { note: h.note } : {}) }))
    if (notice.withdrawnReason) detail.withdrawnReason = notice.withdrawnReason
  }
  return detail
}
