import { z } from './zod'
import { auditContract } from './audit'
import { consentPurposeSchema, consentStateSchema } from './privacy'
import { meContract } from './me'
import { overviewContract } from './overview'

export { meContract, meSchema, profileSchema, usersMeInput, type Me } from './me'

// ------------------------------------------------------------------ 个人信息与隐私 (issue #16)
// The individual's rights under 个人信息保护法: see what is held (第四十五条 查阅), take a copy
// (第四十五条 复制, machine-readable), withdraw a consent (第十五条), delete the account (第四十七条).

/** The sections of `myData`, in the order shown. */
export const MY_DATA_SECTIONS = [
  'registrations',
  'signUps',
  'serviceRecords',
  'certificates',
  'teams',
  'bookings',
  'tickets',
  'wishes',
  'claimedWishes',
  'noticeSubscriptions'
] as const
export type MyDataSectionKey = (typeof MY_DATA_SECTIONS)[number]
export const MY_DATA_SECTION_TITLES: Record<MyDataSectionKey, string> = {
  registrations: '在职党员报到',
  signUps: '活动报名',
  serviceRecords: '志愿服务记录',
  certificates: '志愿服务证明',
  teams: '所在队伍',
  bookings: '场地预约',
  tickets: '问题反映',
  wishes: '我的微心愿',
  claimedWishes: '我认领的微心愿',
  noticeSubscriptions: '重要通知订阅'
}
/** Items each section shows at most (the section's own pages list the rest). */
export const MY_DATA_ITEMS = 5

export const myDataItemSchema = z.object({
  id: z.string(),
  /** What it is: an activity's title, a ticket's category, a room… */
  title: z.string(),
  /** Its state in Chinese (已报到, 处理中…). */
  status: z.string().optional(),
  /** When (ISO): submitted, signed up, booked for… */
  at: z.string().optional(),
  /** One more line: the community, the hours, a masked number… */
  detail: z.string().optional()
})
export type MyDataItem = z.infer<typeof myDataItemSchema>

export const myDataSectionSchema = z.object({
  key: z.enum(MY_DATA_SECTIONS),
  title: z.string(),
  /** Every record held in this section (the items are the newest few). */
  total: z.number().int(),
  items: z.array(myDataItemSchema)
})
export type MyDataSection = z.infer<typeof myDataSectionSchema>

export const myDataInput = z.object({})
export const myDataOutput = z.object({
  profile: z.object({
    name: z.string().optional(),
    mobileMasked: z.string().optional(),
    communityName: z.string().optional(),
    gridName: z.string().optional(),
    buildingName: z.string().optional(),
    /** Role labels in Chinese (居民, 在职党员…). */
    roles: z.array(z.string()),
    /** Whether a `users` document is held at all (a plain resident may have none). */
    stored: z.boolean()
  }),
  volunteer: z
    .object({
      volunteerNo: z.string(),
      /** Verified service hours (one decimal) and how many records they come from. */
      verifiedHours: z.number(),
      verifiedRecords: z.number().int(),
      /** The identity document kept for certificates (type label and masked number), if any. */
      identity: z.object({ typeLabel: z.string(), masked: z.string() }).nullable(),
      rankingOptIn: z.boolean()
    })
    .nullable(),
  sections: z.array(myDataSectionSchema),
  consents: z.array(consentStateSchema)
})
export type MyData = z.infer<typeof myDataOutput>

export const exportMyDataInput = z.object({})
export const exportMyDataOutput = z.object({
  fileName: z.string(),
  /** A link to download the file (temporary on WeChat). */
  url: z.string(),
  /** Cloud fileID (the mini-program downloads by it). */
  fileID: z.string(),
  /** Until when the link is sure to work (ISO). */
  expiresAt: z.string()
})
export type ExportMyDataOutput = z.infer<typeof exportMyDataOutput>

export const withdrawConsentInput = z.object({ purpose: consentPurposeSchema })
export type WithdrawConsentInput = z.input<typeof withdrawConsentInput>
export const withdrawConsentOutput = z.object({
  purpose: consentPurposeSchema,
  /** What was done, in Chinese, one line each (shown to the person). */
  done: z.array(z.string()),
  consent: consentStateSchema
})
export type WithdrawConsentOutput = z.infer<typeof withdrawConsentOutput>

export const deleteAccountInput = z.object({
  /** The person confirmed twice in the app (shown what is deleted and what is kept). */
  confirm: z.literal(true, { message: '请确认注销账号' })
})
export const deleteAccountOutput = z.object({
  /** What was removed or erased, in Chinese, one line each. */
  removed: z.array(z.string()),
  /** What is kept, and why, in Chinese. */
  kept: z.array(z.string())
})
export type DeleteAccountOutput = z.infer<typeof deleteAccountOutput>

export const usersContract = {
  ...meContract,
  ...overviewContract,
  myData: { input: myDataInput, output: myDataOutput },
  exportMyData: { input: exportMyDataInput, output: exportMyDataOutput },
  withdrawConsent: { input: withdrawConsentInput, output: withdrawConsentOutput },
  deleteAccount: { input: deleteAccountInput, output: deleteAccountOutput },
  ...auditContract
} as const
