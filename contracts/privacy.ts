/**
 * Consent and the individual's rights (个人信息保护法 第十三—十五、四十四—四十七条).
 *
 * Every consent the app asks for is recorded (collection `consents`, append-only) with the purpose,
 * the version of the privacy rules the person saw and the time, and can be withdrawn in
 * 我的 → 个人信息与隐私. What a withdrawal stops and what is kept by law is stated per purpose in
 * CONSENT_PURPOSE_TEXT, shown to the person before they confirm.
 */
import { z } from './zod'

/** The version of the privacy rules (个人信息处理规则) in force; stored with every consent. */
export const PRIVACY_POLICY_VERSION = '2026-12-05'

export const CONSENT_PURPOSES = ['registration', 'volunteer', 'identity', 'contact', 'ranking'] as const
export const consentPurposeSchema = z.enum(CONSENT_PURPOSES)
export type ConsentPurpose = z.infer<typeof consentPurposeSchema>

/** Per purpose: its name, what it covers, what withdrawing stops, and what is kept and why. */
export const CONSENT_PURPOSE_TEXT: Record<ConsentPurpose, { label: string; covers: string; stops: string; kept: string }> = {
  registration: {
    label: '在职党员报到',
    covers: '报到登记的姓名、手机号、工作单位、住址和特长，用于社区审核报到、编入党组织和联系您',
    stops: '您的报到将结束（不再编入社区党组织），在职党员身份取消；您所有报到登记（含已结束的）中的手机号、工作单位和特长将被删除，活动报名中的该手机号一并删除；您不是登记志愿者的，尚未开始的活动报名将被取消',
    kept: '报到登记中的姓名、社区、住址（网格、楼栋、单元、门牌）和所在党组织保留，用于社区报到工作的历史统计；注销账号时姓名改为「已注销用户」，单元、门牌和党组织一并删除'
  },
  volunteer: {
    label: '志愿者实名登记',
    covers: '报名志愿活动时登记的姓名和手机号，用于组织活动和联系您（《志愿服务条例》第七条实名注册）',
    stops: '您将不能报名新的志愿活动，尚未开始的报名将被取消，登记时填写的手机号将被删除（此后报到等其他途径留下的手机号不受影响）',
    kept: '您的姓名保留在账号和已有的活动报名上（注销账号时才删除）；已认定的志愿服务记录和已出具的证明依法保留，证明仍可查验真伪'
  },
  identity: {
    label: '志愿服务证明的证件信息',
    covers: '证件类型和遮挡后的证件号码，用于出具志愿服务证明',
    stops: '保存的证件信息将被删除，再次开具证明时需重新填写',
    kept: '已出具的证明上的遮挡号码保留，用于查验证明真伪'
  },
  contact: {
    label: '处理人员联系我',
    covers: '问题反映、心愿和场地预约中附带的手机号，供处理人员联系您',
    stops: '您所有问题反映、心愿和预约中的手机号将被删除，处理人员只能在应用内回复您',
    kept: '问题反映、心愿和预约的内容保留，用于社区办事记录'
  },
  ranking: {
    label: '在排行榜上显示姓名',
    covers: '在社区志愿者排行榜上显示您的姓名和志愿者编号',
    stops: '您将在排行榜上显示为匿名志愿者',
    kept: '您的服务时长仍计入排名，但不显示姓名'
  }
}

export const consentStateSchema = z.object({
  purpose: consentPurposeSchema,
  /** In force now (given and not withdrawn since). */
  active: z.boolean(),
  /** The version of the rules the latest consent was given under. */
  policyVersion: z.string(),
  givenAt: z.string(),
  withdrawnAt: z.string().nullable()
})
export type ConsentState = z.infer<typeof consentStateSchema>
