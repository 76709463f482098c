/**
 * Subscription message templates (订阅消息): one declaration per kind of message the functions send
 * — the template id's environment variable, the template's field keys with their meaning, and (by
 * each key's type) how every value is built and limited. This is the only place an admin changes
 * when their template differs from the one assumed here.
 *
 * Deploying: in the mini-program console (订阅消息 → 公共模板库) pick a template for each entry and
 * put its id in the environment variable named by `env` (cloud function → 配置 → 环境变量) on the
 * functions that send it. When the chosen template's keys differ (WeChat numbers them per
 * template: 活动名称 may be `thing7`, 活动时间 `date3`), map ours to theirs in `<env>_KEYS`, e.g.
 *   TPL_ACTIVITY_CANCELLED_KEYS = thing1=thing7,time2=date3,thing3=thing2
 * (a key left out keeps its name; `thing3=` drops a field the template does not have). Senders keep
 * writing the keys declared below; `prepareMessage` renames them and fits each value to the limits
 * of its final key's type (thing ≤ 20 characters, phrase ≤ 5 汉字, character_string ≤ 32 …, see
 * VALUE_RULES), so a template with other keys no longer fails every send with 47003.
 *
 * The local platform writes every message to the `outbox` collection as it would be sent (final
 * keys and values, the kind, and `problems` when the data did not match the declaration), so tests
 * can read what was sent and check it.
 */
export interface TemplateDef {
  /** The environment variable holding the template id; `<env>_KEYS` maps the field keys. */
  env: string
  /** Template id from the console; the placeholder is used on the emulator. */
  id: string
  /** What the template is called in the public template library. */
  title: string
  /** The keys of `data` the senders fill in (thing1, time2 …), with their meaning. */
  fields: Record<string, string>
}

const fromEnv = (name: string, placeholder: string) => process.env[name] || placeholder

export const TEMPLATES = {
  /** 志愿服务/邻里活动: the organiser cancelled an activity; sent to everyone signed up or waiting. */
  activityCancelled: {
    env: 'TPL_ACTIVITY_CANCELLED',
    id: fromEnv('TPL_ACTIVITY_CANCELLED', 'tpl-activity-cancelled'),
    title: '活动取消通知',
    fields: { thing1: '活动名称', time2: '活动时间', thing3: '取消原因' }
  },
  /** 志愿服务/邻里活动: time or place changed; sent to everyone signed up or waiting. */
  activityChanged: {
    env: 'TPL_ACTIVITY_CHANGED',
    id: fromEnv('TPL_ACTIVITY_CHANGED', 'tpl-activity-changed'),
    title: '活动变更通知',
    fields: { thing1: '活动名称', time2: '活动时间', thing3: '活动地点', thing4: '变更说明' }
  },
  /** 志愿服务/邻里活动: a place freed up and the waiting person got it. */
  activityPromoted: {
    env: 'TPL_ACTIVITY_PROMOTED',
    id: fromEnv('TPL_ACTIVITY_PROMOTED', 'tpl-activity-promoted'),
    title: '候补成功通知',
    fields: { thing1: '活动名称', time2: '活动时间', thing3: '活动地点', thing4: '温馨提示' }
  },
  /** 志愿服务/邻里活动: the organiser's reminder before the start; sent to those confirmed. */
  activityReminder: {
    env: 'TPL_ACTIVITY_REMINDER',
    id: fromEnv('TPL_ACTIVITY_REMINDER', 'tpl-activity-reminder'),
    title: '活动开始提醒',
    fields: { thing1: '活动名称', time2: '开始时间', thing3: '活动地点', thing4: '温馨提示' }
  },
  /** 志愿服务: a service record was verified (approved, adjusted or declined). */
  hoursVerified: {
    env: 'TPL_HOURS_VERIFIED',
    id: fromEnv('TPL_HOURS_VERIFIED', 'tpl-hours-verified'),
    title: '志愿服务时长审核通知',
    fields: { thing1: '活动名称', phrase2: '审核结果', thing3: '认定时长', thing4: '备注' }
  },
  /** 在职党员报到: the registration was approved (with the placement) or not (with the reason). */
  registrationReviewed: {
    env: 'TPL_REGISTRATION_REVIEWED',
    id: fromEnv('TPL_REGISTRATION_REVIEWED', 'tpl-registration-reviewed'),
    title: '审核结果通知',
    fields: { thing1: '申请事项', phrase2: '审核结果', thing3: '备注', time4: '审核时间' }
  },
  /** 三方联动: a new or handed-over ticket for the lead party. */
  ticketAssigned: {
    env: 'TPL_TICKET_ASSIGNED',
    id: fromEnv('TPL_TICKET_ASSIGNED', 'tpl-ticket-assigned'),
    title: '工单受理提醒',
    fields: { thing1: '问题类型', thing2: '所在小区', time3: '受理时限', thing4: '问题描述' }
  },
  /** 三方联动: progress for the reporter (accepted, resolved — please confirm, closed). */
  ticketProgress: {
    env: 'TPL_TICKET_PROGRESS',
    id: fromEnv('TPL_TICKET_PROGRESS', 'tpl-ticket-progress'),
    title: '工单进度通知',
    fields: { thing1: '问题类型', phrase2: '处理状态', thing3: '处理说明', time4: '更新时间' }
  },
  /** 三方联动: a deadline passed; sent to the community staff (大党委) and the lead party. */
  ticketOverdue: {
    env: 'TPL_TICKET_OVERDUE',
    id: fromEnv('TPL_TICKET_OVERDUE', 'tpl-ticket-overdue'),
    title: '工单超时督办提醒',
    fields: { thing1: '问题类型', thing2: '所在小区', phrase3: '超时环节', time4: '截止时间' }
  },
  /** 红黑榜: the month's ranking is open for appeals / published (property staff). */
  rankingNotice: {
    env: 'TPL_RANKING_NOTICE',
    id: fromEnv('TPL_RANKING_NOTICE', 'tpl-ranking-notice'),
    title: '考评结果通知',
    fields: { thing1: '考评名称', thing2: '考评结果', time3: '截止时间' }
  },
  /** 微心愿: claimed / completed — sent to the resident; confirmed — sent to the member. */
  wishProgress: {
    env: 'TPL_WISH_PROGRESS',
    id: fromEnv('TPL_WISH_PROGRESS', 'tpl-wish-progress'),
    title: '心愿进度通知',
    fields: { thing1: '心愿内容', phrase2: '当前状态', thing3: '说明', time4: '时间' }
  },
  /** 邻里中心: a booking was approved or rejected (with the reason); sent to the resident. */
  bookingReviewed: {
    env: 'TPL_BOOKING_REVIEWED',
    id: fromEnv('TPL_BOOKING_REVIEWED', 'tpl-booking-reviewed'),
    title: '预约结果通知',
    fields: { thing1: '预约场地', time2: '预约时间', phrase3: '预约结果', thing4: '备注' }
  },
  /** 邻里中心: a booking was cancelled by staff or a blackout, or released as a no-show (with the reason). */
  bookingCancelled: {
    env: 'TPL_BOOKING_CANCELLED',
    id: fromEnv('TPL_BOOKING_CANCELLED', 'tpl-booking-cancelled'),
    title: '预约取消通知',
    fields: { thing1: '预约场地', time2: '预约时间', thing3: '取消原因' }
  },
  /**
   * 通知公告: an important notice was published; sent to subscribers in its audience. The app asks
   * for it with the same id (TARO_APP_TPL_NOTICE_PUBLISHED in the mini-program's .env).
   */
  noticePublished: {
    env: 'TPL_NOTICE_PUBLISHED',
    id: fromEnv('TPL_NOTICE_PUBLISHED', 'tpl-notice-published'),
    title: '通知公告提醒',
    fields: { thing1: '通知标题', thing2: '发布单位', time3: '发布时间', thing4: '温馨提示' }
  }
} satisfies Record<string, TemplateDef>

export type TemplateKey = keyof typeof TEMPLATES

// ------------------------------------------------------------------------------ value rules

/** WeChat's value types, told by a key's name without its number (`character_string12`). */
export type FieldType = 'thing' | 'number' | 'letter' | 'symbol' | 'character_string' | 'time' | 'date' | 'amount' | 'phone_number' | 'car_number' | 'name' | 'phrase'

interface ValueRule {
  /** Largest length in characters. */
  max: number
  /** What a valid value looks like (beyond its length). */
  pattern?: RegExp
  /** Fits a value to the rule where that can be done without changing its meaning. */
  fit?: (value: string) => string
}

const chars = (value: string) => Array.from(value)
const HAN = /[\u3400-\u9fff]/
const clip = (value: string, max: number) => chars(value).slice(0, max).join('')
const DATE_PART = '\\d{4}(?:-\\d{1,2}-\\d{1,2}|/\\d{1,2}/\\d{1,2}|年\\d{1,2}月\\d{1,2}日)'
const TIME_PART = '\\d{1,2}:\\d{2}(?::\\d{2})?'
const TIME_ONE = `(?:(?:${DATE_PART})\\s*)?${TIME_PART}`
const DATE_ONE = `${DATE_PART}(?:\\s*${TIME_PART})?`

/**
 * Subscription message value limits (订阅消息参数值内容限制, subscribeMessage.send): thing 20 characters;
 * number, letter, character_string 32; symbol 5; phrase 5 汉字 only; name 10 汉字 or 20 letters;
 * phone_number 17; car_number 8; amount a currency sign, ≤ 10 digits, optional 元; time a 24-hour time
 * with an optional date, date a date with an optional time (a range joined by "~").
 */
export const VALUE_RULES: Record<FieldType, ValueRule> = {
  thing: {
    max: 20,
    fit: (value) => {
      const text = value.replace(/\s+/g, ' ').trim()
      return chars(text).length > 20 ? `${clip(text, 19)}…` : text || '-'
    }
  },
  number: { max: 32, pattern: /^-?\d+(\.\d+)?$/ },
  letter: { max: 32, pattern: /^[A-Za-z]+$/, fit: (value) => clip(value.replace(/[^A-Za-z]/g, ''), 32) },
  symbol: { max: 5, pattern: /^[^\p{L}\p{N}\s]+$/u },
  character_string: { max: 32, pattern: /^[\x21-\x7e]+$/, fit: (value) => clip(value.replace(/[^\x21-\x7e]/g, ''), 32) },
  time: { max: 40, pattern: new RegExp(`^${TIME_ONE}(?:\\s*~\\s*${TIME_ONE})?$`), fit: (value) => value.trim() },
  date: { max: 40, pattern: new RegExp(`^${DATE_ONE}(?:\\s*~\\s*${DATE_ONE})?$`), fit: (value) => value.trim() },
  amount: { max: 14, pattern: /^[¥￥$]?\d{1,10}(\.\d{1,2})?元?$/ },
  phone_number: { max: 17, pattern: /^[\d+\-() ]+$/ },
  car_number: { max: 8, pattern: /^[\u4e00-\u9fffA-Za-z0-9]+$/ },
  name: {
    max: 20,
    fit: (value) => {
      const text = value.replace(/\s+/g, '').trim()
      return HAN.test(text) ? clip(text, 10) : clip(text, 20)
    }
  },
  phrase: {
    max: 5,
    pattern: /^[\u3400-\u9fff]+$/,
    fit: (value) => clip(value.replace(/[^\u3400-\u9fff]/g, ''), 5) || '无'
  }
}

export function fieldType(key: string): FieldType | null {
  const type = key.replace(/\d+$/, '')
  return Object.prototype.hasOwnProperty.call(VALUE_RULES, type) ? (type as FieldType) : null
}

/** What is wrong with a value for this key (null: nothing). */
export function valueProblem(key: string, value: string): string | null {
  const type = fieldType(key)
  if (!type) return `${key}: unknown value type`
  if (typeof value !== 'string' || value === '') return `${key}: empty`
  const rule = VALUE_RULES[type]
  if (type === 'name' && HAN.test(value) ? chars(value).length > 10 : chars(value).length > rule.max) return `${key}: longer than ${type === 'name' && HAN.test(value) ? 10 : rule.max} characters`
  if (rule.pattern && !rule.pattern.test(value)) return `${key}: not a valid ${type} value`
  return null
}

/** The value fitted to the key's type, where it can be (truncated, stray characters dropped). */
export function fitValue(key: string, value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  const type = fieldType(key)
  const rule = type ? VALUE_RULES[type] : null
  if (!rule) return text
  return rule.fit ? rule.fit(text) : clip(text.trim(), rule.max)
}

/** 'thing' value (≤ 20 characters; longer text ends with "…"). */
export function thing(value: string): { value: string } {
  return { value: fitValue('thing', value) }
}

/** 'phrase' value: WeChat takes at most 5 汉字 (senders pass short status words). */
export function phrase(value: string): { value: string } {
  return { value: value.slice(0, 5) }
}

// ------------------------------------------------------------------------------ keys and sending

/**
 * The template's own key for each declared key (null: the template has no such field), from
 * `<env>_KEYS` (`ours=theirs,…`). Problems in the setting are returned, not thrown.
 */
export function templateKeys(kind: TemplateKey): { keys: Record<string, string | null>; problems: string[] } {
  const def: TemplateDef = TEMPLATES[kind]
  const keys: Record<string, string | null> = Object.fromEntries(Object.keys(def.fields).map((k) => [k, k]))
  const problems: string[] = []
  const setting = process.env[`${def.env}_KEYS`]?.trim()
  if (!setting) return { keys, problems }
  for (const pair of setting.split(/[,，;\s]+/).filter(Boolean)) {
    const [ours, theirs = ''] = pair.split('=').map((s) => s.trim())
    if (!Object.prototype.hasOwnProperty.call(def.fields, ours)) problems.push(`${def.env}_KEYS: ${ours} is not a field of ${kind}`)
    else if (theirs && !fieldType(theirs)) problems.push(`${def.env}_KEYS: ${theirs} is not a WeChat key (thing1, time2, phrase3 …)`)
    else keys[ours] = theirs || null
  }
  const finals = Object.values(keys).filter(Boolean)
  if (new Set(finals).size !== finals.length) problems.push(`${def.env}_KEYS: two fields map to the same key`)
  return { keys, problems }
}

/** The kind a template id belongs to (ids come from the environment, so looked up each time). */
export function kindOfTemplate(templateId: string): TemplateKey | null {
  for (const kind of Object.keys(TEMPLATES) as TemplateKey[]) if (TEMPLATES[kind].id === templateId) return kind
  return null
}

export interface PreparedMessage {
  kind: TemplateKey | null
  /** The data as WeChat gets it: the template's keys, each value fitted to its type. */
  data: Record<string, { value: string }>
  /** Where the sender's data did not match its kind's declaration, or a value is still invalid. */
  problems: string[]
}

/**
 * Turns a sender's data (the declared keys) into what is sent: keys renamed by `<env>_KEYS`, values
 * fitted to each final key's type, and anything that would make WeChat answer 47003 listed in
 * `problems` (a missing or undeclared key, a value no fitting can make valid, a bad setting).
 */
export function prepareMessage(templateId: string, data: Record<string, { value: unknown }>): PreparedMessage {
  const kind = kindOfTemplate(templateId)
  const problems: string[] = []
  let keys: Record<string, string | null>
  if (kind) {
    const mapped = templateKeys(kind)
    keys = mapped.keys
    problems.push(...mapped.problems)
    for (const key of Object.keys(TEMPLATES[kind].fields)) if (!(key in data)) problems.push(`${key}: missing (declared for ${kind})`)
    for (const key of Object.keys(data)) if (!(key in keys)) problems.push(`${key}: not declared for ${kind}`)
  } else {
    problems.push(`template ${templateId} is not declared in server/notify/templates.ts`)
    keys = Object.fromEntries(Object.keys(data).map((k) => [k, k]))
  }
  const out: Record<string, { value: string }> = {}
  for (const [key, entry] of Object.entries(data)) {
    const target = key in keys ? keys[key] : key
    if (!target) continue
    const value = fitValue(target, entry?.value)
    const problem = valueProblem(target, value)
    if (problem) problems.push(problem)
    out[target] = { value }
  }
  return { kind, data: out, problems }
}
