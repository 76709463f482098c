/*
 * Chinese messages for input that does not match a contract.
 *
 * A contract gives its own message where a person types the value (`.min(2, '姓名至少2个字')`,
 * `ctx.addIssue({ message: '请填写未通过的原因' })`); that message is shown as it is. Every other
 * issue gets a Chinese default per kind (required, too long, too short, wrong format, not one of the
 * choices …) naming the field in Chinese — never zod's English text.
 *
 * How a default is told from a contract's own message: the parse runs with an error map that
 * returns `DEFAULT_MESSAGE_MARK…` (zod uses it only where the schema gave no message), and
 * `issueMessage` replaces each marked message with the Chinese default.
 */

/** Chinese names of the fields of the contracts' inputs (the last key of an issue's path). */
export const FIELD_LABELS: Record<string, string> = {
  acceptHours: '受理时限',
  accuracy: '定位精度',
  action: '操作',
  active: '启用状态',
  activityId: '活动',
  address: '地址',
  amount: '金额',
  attachments: '附件',
  attendees: '参加人数',
  audience: '发布范围',
  blackoutId: '停用时段',
  body: '正文',
  bookAheadDays: '可提前预约天数',
  bookingId: '预约',
  branchId: '网格党支部',
  buildingId: '楼栋',
  buildingIds: '楼栋',
  cancelBeforeMinutes: '取消时限',
  capacity: '容纳人数',
  category: '类别',
  centerId: '邻里中心',
  centralHouseholdId: '党员中心户',
  certificateNo: '证书编号',
  checkInMinutes: '签到时限',
  close: '结束时间',
  comment: '评价内容',
  communityId: '社区',
  communityIds: '社区',
  companyId: '物业企业',
  consent: '个人信息处理规则',
  contact: '联系方式',
  contentType: '文件类型',
  coordinates: '坐标',
  data: '数据',
  date: '日期',
  days: '天数',
  decision: '处理结果',
  description: '问题描述',
  direction: '方向',
  district: '区',
  end: '结束时间',
  entry: '入口',
  excludeTicketIds: '不计入考评的问题单',
  expiresAt: '有效期',
  export: '导出',
  facilities: '设施',
  fileID: '文件',
  from: '开始日期',
  gridId: '小区（网格）',
  gridIds: '小区（网格）',
  hasBranch: '是否建立党支部',
  important: '重要标记',
  includeCancelled: '是否包含已取消',
  includeDisbanded: '是否包含已撤销',
  includeDistrict: '是否包含全区',
  includePast: '是否包含已结束',
  internal: '内部标记',
  issuerId: '发证单位',
  jointActivities: '联建活动次数',
  key: '指标',
  keyword: '关键词',
  kind: '类型',
  latitude: '纬度',
  leadOnly: '仅看牵头',
  leadParty: '牵头方',
  location: '位置',
  longitude: '经度',
  maxSlots: '最多时段数',
  meetingsAttended: '参会次数',
  memberCode: '队员码',
  memberKey: '队员',
  minNoticeMinutes: '最短提前时间',
  minutes: '时长',
  mine: '仅看我的',
  mobile: '手机号',
  month: '月份',
  name: '名称',
  near: '附近位置',
  needsApproval: '是否需要审核',
  noShowLimit: '爽约次数上限',
  noShowWindowDays: '爽约统计天数',
  note: '备注',
  noticeId: '通知',
  open: '开始时间',
  openid: '用户',
  openingHours: '开放时间',
  page: '页码',
  pageSize: '每页条数',
  party: '处理方',
  partyGroupId: '楼栋党小组',
  partyInstructor: '党建指导员',
  partyMembers: '党员人数',
  partyOrg: '所在党组织',
  phone: '电话',
  photos: '照片',
  pinned: '置顶',
  place: '地点',
  placement: '编入组织',
  publishAt: '发布时间',
  purpose: '用途',
  q: '搜索内容',
  radius: '范围',
  rankingOptIn: '参加排行',
  rankingOptOut: '不参加排行',
  rating: '评分',
  reason: '原因',
  recordId: '记录',
  registrationId: '报到记录',
  registrationIds: '报到记录',
  recordIds: '服务记录',
  sort: '排序',
  reply: '答复',
  resolveHours: '办结时限',
  role: '角色',
  roles: '角色',
  room: '门牌号',
  roomCode: '房间码',
  roomId: '活动室',
  scene: '报到码',
  scope: '范围',
  services: '服务意愿',
  showName: '是否显示姓名',
  signUpDeadline: '报名截止时间',
  size: '文件大小',
  skills: '技能特长',
  slotMinutes: '时段长度',
  slots: '时段',
  start: '开始时间',
  status: '状态',
  suspensionDays: '暂停预约天数',
  target: '目标',
  targets: '目标',
  teamId: '队伍',
  text: '内容',
  ticketId: '问题单',
  ticketIds: '问题单',
  title: '标题',
  to: '结束日期',
  token: '凭证',
  type: '类型',
  unit: '单元',
  view: '视图',
  weekday: '星期',
  weeklyQuota: '每周限额',
  when: '时间',
  wishId: '微心愿',
  workUnit: '工作单位',
  year: '年份'
}

/** What the error map returns where a schema gave no message of its own (never shown). */
export const DEFAULT_MESSAGE_MARK = '\u0000default:'

/** The per-parse error map: marks zod's defaults (and whether the value was missing). */
export const markDefaults = (issue: { input?: unknown }): string => `${DEFAULT_MESSAGE_MARK}${issue.input === undefined ? 'missing' : 'present'}`

/**
 * The Chinese name of the field an issue is about, keeping the item of a list: `ticketIds.2` →
 * 问题单第3项, `openingHours.2.open` → 开放时间第3项的开始时间, `targets.3.target` → 第4项的目标
 * (the list's name is left out when the item's field has the same name).
 */
export function fieldLabel(path: readonly PropertyKey[]): string {
  let prefix = ''
  let label = ''
  let item = ''
  for (const part of path) {
    if (typeof part === 'number' || /^\d+$/.test(String(part))) item = `${item}第${Number(part) + 1}项`
    else {
      const own = FIELD_LABELS[String(part)]
      if (!own) continue
      // A field of a list's item: the item stays part of the name.
      if (item) prefix = `${prefix}${own === label ? '' : label}${item}的`
      item = ''
      label = own
    }
  }
  return `${prefix}${label || '填写的内容'}${item}`
}

/** The parts of a zod issue the messages read (zod 4's final issue). */
export interface IssueLike {
  code: string
  path: readonly PropertyKey[]
  message: string
  expected?: unknown
  origin?: unknown
  minimum?: unknown
  maximum?: unknown
  /** too_small / too_big: whether the bound itself is allowed (`.min(0)`) or not (`.positive()`). */
  inclusive?: unknown
  format?: unknown
}

const count = (n: unknown) => (typeof n === 'bigint' ? Number(n) : Number(n))

/** The Chinese message of one issue: the contract's own, or a default for its kind. */
export function issueMessage(issue: IssueLike): string {
  if (!issue.message.startsWith(DEFAULT_MESSAGE_MARK) && /[\u4e00-\u9fff]/.test(issue.message)) return issue.message
  const label = fieldLabel(issue.path)
  const missing = issue.message === `${DEFAULT_MESSAGE_MARK}missing`
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return issue.expected === 'boolean' || issue.expected === 'enum' ? `请选择${label}` : `请填写${label}`
      if (issue.expected === 'number' || issue.expected === 'int' || issue.expected === 'bigint')
        return issue.expected === 'int' ? `${label}应为整数` : `${label}应为数字`
      if (issue.expected === 'boolean') return `${label}应为是或否`
      if (issue.expected === 'array') return `${label}应为列表`
      return `${label}格式不正确`
    case 'too_small': {
      const min = count(issue.minimum)
      if (issue.origin === 'string') return min <= 1 ? `请填写${label}` : `${label}至少${min}个字`
      if (issue.origin === 'array' || issue.origin === 'set') return min <= 1 ? `请至少填写一项${label}` : `${label}至少${min}项`
      return issue.inclusive === false ? `${label}应大于${min}` : `${label}不能小于${min}`
    }
    case 'too_big': {
      const max = count(issue.maximum)
      if (issue.origin === 'string') return `${label}不能超过${max}个字`
      if (issue.origin === 'array' || issue.origin === 'set') return `${label}最多${max}项`
      return issue.inclusive === false ? `${label}应小于${max}` : `${label}不能大于${max}`
    }
    case 'invalid_format':
      return `${label}格式不正确`
    case 'invalid_value':
      return missing ? `请选择${label}` : `${label}不在可选范围内`
    case 'not_multiple_of':
      return `${label}的数值不符合要求`
    case 'unrecognized_keys':
      return '包含无法识别的内容'
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return `${label}格式不正确`
    default:
      return `${label}有误`
  }
}

/** One message for all the issues of an input (each field once, in order). */
export function inputErrorMessage(issues: readonly IssueLike[]): string {
  const messages = [...new Set(issues.map(issueMessage))]
  return messages.join('；')
}
