/**
 * Subscription message templates (订阅消息), one entry per kind of message the functions send.
 *
 * Deploying: in the mini-program console (订阅消息 → 公共模板库) pick a template with the listed
 * fields for each entry, and put its id in the environment variable named by `env` on the cloud
 * functions that send it (or replace the placeholder id here). The local platform writes every
 * message to the `outbox` collection with the same template id, so tests can read what was sent.
 *
 * Several domains add their own entries here: keep one entry per message kind, with the
 * template's field keys (thing1, time2 …) documented next to it.
 */
export interface TemplateDef {
  /** Template id from the console; the placeholder is used on the emulator. */
  id: string
  /** What the template is called in the public template library. */
  title: string
  /** The keys of `data` the senders fill in, with their meaning. */
  fields: Record<string, string>
}

const fromEnv = (name: string, placeholder: string) => process.env[name] || placeholder

export const TEMPLATES = {
  /** 志愿服务/邻里活动: the organiser cancelled an activity; sent to everyone signed up or waiting. */
  activityCancelled: {
    id: fromEnv('TPL_ACTIVITY_CANCELLED', 'tpl-activity-cancelled'),
    title: '活动取消通知',
    fields: { thing1: '活动名称', time2: '活动时间', thing3: '取消原因' }
  },
  /** 志愿服务/邻里活动: time or place changed; sent to everyone signed up or waiting. */
  activityChanged: {
    id: fromEnv('TPL_ACTIVITY_CHANGED', 'tpl-activity-changed'),
    title: '活动变更通知',
    fields: { thing1: '活动名称', time2: '活动时间', thing3: '活动地点', thing4: '变更说明' }
  },
  /** 志愿服务/邻里活动: a place freed up and the waiting person got it. */
  activityPromoted: {
    id: fromEnv('TPL_ACTIVITY_PROMOTED', 'tpl-activity-promoted'),
    title: '候补成功通知',
    fields: { thing1: '活动名称', time2: '活动时间', thing3: '活动地点', thing4: '温馨提示' }
  },
  /** 志愿服务/邻里活动: the organiser's reminder before the start; sent to those confirmed. */
  activityReminder: {
    id: fromEnv('TPL_ACTIVITY_REMINDER', 'tpl-activity-reminder'),
    title: '活动开始提醒',
    fields: { thing1: '活动名称', time2: '开始时间', thing3: '活动地点', thing4: '温馨提示' }
  },
  /** 志愿服务: a service record was verified (approved, adjusted or declined). */
  hoursVerified: {
    id: fromEnv('TPL_HOURS_VERIFIED', 'tpl-hours-verified'),
    title: '志愿服务时长审核通知',
    fields: { thing1: '活动名称', phrase2: '审核结果', thing3: '认定时长', thing4: '备注' }
  },
  /** 在职党员报到: the registration was approved (with the placement) or not (with the reason). */
  registrationReviewed: {
    id: fromEnv('TPL_REGISTRATION_REVIEWED', 'tpl-registration-reviewed'),
    title: '审核结果通知',
    fields: { thing1: '申请事项', phrase2: '审核结果', thing3: '备注', time4: '审核时间' }
  },
  /** 三方联动: a new or handed-over ticket for the lead party. */
  ticketAssigned: {
    id: fromEnv('TPL_TICKET_ASSIGNED', 'tpl-ticket-assigned'),
    title: '工单受理提醒',
    fields: { thing1: '问题类型', thing2: '所在小区', time3: '受理时限', thing4: '问题描述' }
  },
  /** 三方联动: progress for the reporter (accepted, resolved — please confirm, closed). */
  ticketProgress: {
    id: fromEnv('TPL_TICKET_PROGRESS', 'tpl-ticket-progress'),
    title: '工单进度通知',
    fields: { thing1: '问题类型', phrase2: '处理状态', thing3: '处理说明', time4: '更新时间' }
  },
  /** 三方联动: a deadline passed; sent to the community staff (大党委) and the lead party. */
  ticketOverdue: {
    id: fromEnv('TPL_TICKET_OVERDUE', 'tpl-ticket-overdue'),
    title: '工单超时督办提醒',
    fields: { thing1: '问题类型', thing2: '所在小区', phrase3: '超时环节', time4: '截止时间' }
  },
  /** 红黑榜: the month's ranking is open for appeals / published (property staff). */
  rankingNotice: {
    id: fromEnv('TPL_RANKING_NOTICE', 'tpl-ranking-notice'),
    title: '考评结果通知',
    fields: { thing1: '考评名称', thing2: '考评结果', time3: '截止时间' }
  },
  /** 微心愿: claimed / completed — sent to the resident; confirmed — sent to the member. */
  wishProgress: {
    id: fromEnv('TPL_WISH_PROGRESS', 'tpl-wish-progress'),
    title: '心愿进度通知',
    fields: { thing1: '心愿内容', phrase2: '当前状态', thing3: '说明', time4: '时间' }
  },
  /** 邻里中心: a booking was approved or rejected (with the reason); sent to the resident. */
  bookingReviewed: {
    id: fromEnv('TPL_BOOKING_REVIEWED', 'tpl-booking-reviewed'),
    title: '预约结果通知',
    fields: { thing1: '预约场地', time2: '预约时间', phrase3: '预约结果', thing4: '备注' }
  },
  /** 邻里中心: a booking was cancelled by staff or a blackout, or released as a no-show (with the reason). */
  bookingCancelled: {
    id: fromEnv('TPL_BOOKING_CANCELLED', 'tpl-booking-cancelled'),
    title: '预约取消通知',
    fields: { thing1: '预约场地', time2: '预约时间', thing3: '取消原因' }
  },
  /**
   * 通知公告: an important notice was published; sent to subscribers in its audience. The app asks
   * for it with the same id (TARO_APP_TPL_NOTICE_PUBLISHED in the mini-program's .env).
   */
  noticePublished: {
    id: fromEnv('TPL_NOTICE_PUBLISHED', 'tpl-notice-published'),
    title: '通知公告提醒',
    fields: { thing1: '通知标题', thing2: '发布单位', time3: '发布时间', thing4: '温馨提示' }
  }
} satisfies Record<string, TemplateDef>

export type TemplateKey = keyof typeof TEMPLATES

/** WeChat limits `thing` values to 20 characters and `phrase` to 5. */
export function thing(value: string): { value: string } {
  const text = value.replace(/\s+/g, ' ').trim()
  return { value: text.length > 20 ? `${text.slice(0, 19)}…` : text || '-' }
}

export function phrase(value: string): { value: string } {
  return { value: value.slice(0, 5) }
}
