/**
 * INVALID_INPUT speaks Chinese: a contract's own message for the field when it has one (e.g. a
 * reject without a reason answers exactly 请填写未通过的原因), a Chinese default for the kind of
 * mistake naming the field otherwise — never zod's English ("Invalid input: expected string …").
 * Checked on hand-picked bad inputs and on a sweep of every action of every function.
 */
import type { ZodType } from 'zod'
import { fieldLabel, inputErrorMessage, issueMessage, markDefaults } from '../../contracts/messages'
import { z } from '../../contracts/zod'
import { ROUTERS } from '../support/routers'
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(async () => {
  await cloud?.close()
})

const CHINESE = /[\u4e00-\u9fff]/
/** zod's English defaults (v3 and v4) and the words they are made of. */
const ENGLISH = /invalid|expected|required|received|too (big|small)|must|should|string|number|boolean|undefined|object|array|nan\b|input/i

/** Format hints a message may quote (日期格式应为 YYYY-MM-DD); any other Latin word is a leak (zod's text, a field's key). */
const ALLOWED_LATIN = /YYYY|MM|DD|MB|KB/g

function expectChinese(where: unknown, message: string): void {
  const latin = message.replace(ALLOWED_LATIN, '').match(/[A-Za-z]{2,}/)
  expect({ where, chinese: CHINESE.test(message), english: ENGLISH.test(message) || latin ? message : null }).toEqual({ where, chinese: true, english: null })
}

describe('a contract\u2019s own message', () => {
  it('a reject without a reason answers exactly 请填写未通过的原因, and nothing changes', async () => {
    const pending = cloud.store.findOne('registrations', { communityId: 'c1', status: 'pending' })!
    for (const input of [
      { registrationId: pending._id, decision: 'reject' },
      { registrationId: pending._id, decision: 'reject', reason: '   ' }
    ]) {
      const reply = await cloud.call('members', 'review', input, 'demo-staff')
      expect(reply).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: '请填写未通过的原因', fields: ['reason'] } })
    }
    expect(cloud.store.get('registrations', pending._id)).toEqual(pending)
  })

  it.each([
    ['members', 'review', '原因不能超过200个字', { registrationId: 'x', decision: 'reject', reason: '字'.repeat(201) }],
    ['members', 'register', '请扫描社区报到码', { scene: '' }],
    ['members', 'setCommunityTargets', '社区报到目标至少为1名', { targets: [{ communityId: 'c1', target: 0 }] }],
    ['companies', 'appeal', '请写明申诉理由（至少5个字）', { month: '2026-10', reason: '太短' }],
    ['companies', 'appeal', '月份格式应为 YYYY-MM', { month: '2026-13', reason: '二号问题系管网老化' }],
    ['companies', 'answerAppeal', '请填写答复意见（至少2个字）', { month: '2026-10', companyId: 'co1', decision: 'upheld', reply: '好' }],
    ['reports', 'dashboard', '结束日期不能早于开始日期', { from: '2026-11-27', to: '2026-01-01' }],
    ['teams', 'disband', '请填写撤销原因（至少2个字）', { teamId: 't1', reason: '' }]
  ] as const)('%s.%s → %s', async (fn, action, message, input) => {
    const reply = await cloud.call(fn, action, input, 'demo-admin')
    expect(reply.ok ? 'ok' : reply.error.code).toBe('INVALID_INPUT')
    if (!reply.ok) expect(reply.error.message.split('；')).toContain(message)
  })
})

describe('the Chinese defaults', () => {
  const parse = (schema: ZodType, input: unknown) => {
    const r = schema.safeParse(input, { error: markDefaults })
    if (r.success) throw new Error('expected a failure')
    return inputErrorMessage(r.error.issues as never)
  }

  it('names the field and the kind of mistake', () => {
    expect(parse(z.object({ reason: z.string() }), {})).toBe('请填写原因')
    expect(parse(z.object({ hasBranch: z.boolean() }), {})).toBe('请选择是否建立党支部')
    expect(parse(z.object({ name: z.string().min(2) }), { name: 'a' })).toBe('名称至少2个字')
    expect(parse(z.object({ name: z.string().min(1) }), { name: '' })).toBe('请填写名称')
    expect(parse(z.object({ reply: z.string().max(3) }), { reply: 'abcd' })).toBe('答复不能超过3个字')
    expect(parse(z.object({ mobile: z.string().regex(/^1\d{10}$/) }), { mobile: '12' })).toBe('手机号格式不正确')
    expect(parse(z.object({ decision: z.enum(['approve', 'reject']) }), { decision: 'maybe' })).toBe('处理结果不在可选范围内')
    expect(parse(z.object({ pageSize: z.number().int().max(100) }), { pageSize: 101 })).toBe('每页条数不能大于100')
    expect(parse(z.object({ page: z.number().int().min(1) }), { page: 0 })).toBe('页码不能小于1')
    expect(parse(z.object({ page: z.number().int() }), { page: 1.5 })).toBe('页码应为整数')
    expect(parse(z.object({ target: z.number() }), { target: '5' })).toBe('目标应为数字')
    expect(parse(z.object({ ticketIds: z.array(z.string().min(1)) }), { ticketIds: ['a', ''] })).toBe('请填写问题单第2项')
    expect(parse(z.object({ ticketIds: z.array(z.string()).max(1) }), { ticketIds: ['a', 'b'] })).toBe('问题单最多1项')
    expect(parse(z.object({ x: z.string() }), { x: 1 })).toBe('填写的内容格式不正确')
    // two fields: both messages, once each
    expect(parse(z.object({ reason: z.string(), month: z.string() }), {})).toBe('请填写原因；请填写月份')
  })

  it('keeps the item of a list when the field is in an object of the list', () => {
    expect(fieldLabel(['targets', 3, 'target'])).toBe('第4项的目标')
    expect(fieldLabel(['openingHours', 2, 'open'])).toBe('开放时间第3项的开始时间')
    expect(fieldLabel(['openingHours', 2, 'slots', 0, 'start'])).toBe('开放时间第3项的时段第1项的开始时间')
    expect(fieldLabel(['openingHours', 2, 'unknownKey'])).toBe('开放时间第3项')
    expect(fieldLabel(['x', 1, 'open'])).toBe('第2项的开始时间')
    const hours = z.object({ openingHours: z.array(z.object({ open: z.string(), close: z.string() })) })
    expect(parse(hours, { openingHours: [{ open: '08:00', close: '12:00' }, { open: '14:00', close: '18:00' }, { close: '21:00' }] })).toBe('请填写开放时间第3项的开始时间')
    const targets = z.object({ targets: z.array(z.object({ communityId: z.string(), target: z.number().int().min(1) })) })
    expect(parse(targets, { targets: [1, 2, 3, 4].map((n) => ({ communityId: `c${n}`, target: n === 4 ? 0 : n })) })).toBe('第4项的目标不能小于1')
  })

  it('tells an exclusive bound from an inclusive one', () => {
    expect(parse(z.object({ amount: z.number().positive() }), { amount: 0 })).toBe('金额应大于0')
    expect(parse(z.object({ amount: z.number().gt(5) }), { amount: 5 })).toBe('金额应大于5')
    expect(parse(z.object({ amount: z.number().nonnegative() }), { amount: -1 })).toBe('金额不能小于0')
    expect(parse(z.object({ amount: z.number().min(1) }), { amount: 0 })).toBe('金额不能小于1')
    expect(parse(z.object({ amount: z.number().negative() }), { amount: 0 })).toBe('金额应小于0')
    expect(parse(z.object({ amount: z.number().lt(10) }), { amount: 10 })).toBe('金额应小于10')
    expect(parse(z.object({ amount: z.number().max(10) }), { amount: 11 })).toBe('金额不能大于10')
  })

  it('asks to choose a missing choice, and says a wrong one is not a choice', () => {
    expect(parse(z.object({ decision: z.enum(['approve', 'reject']) }), {})).toBe('请选择处理结果')
    expect(parse(z.object({ decision: z.enum(['approve', 'reject']) }), { decision: 'maybe' })).toBe('处理结果不在可选范围内')
    expect(parse(z.object({ consent: z.literal(true) }), {})).toBe('请选择个人信息处理规则')
  })

  it('keeps a Chinese message of the contract and replaces an English one', () => {
    expect(issueMessage({ code: 'custom', path: ['reason'], message: '请填写未通过的原因' })).toBe('请填写未通过的原因')
    expect(issueMessage({ code: 'custom', path: ['reason'], message: 'Reason is required' })).toBe('原因有误')
    expect(fieldLabel(['targets', 2, 'communityId'])).toBe('目标第3项的社区')
    expect(fieldLabel(['targets', 2])).toBe('目标第3项')
    expect(fieldLabel([])).toBe('填写的内容')
  })
})

/** The first object shape of a schema (through optional, pipe, preprocess, refinements, unions). */
function shapeOf(schema: unknown, depth = 0): Record<string, unknown> | null {
  const def = (schema as { _zod?: { def?: Record<string, any> } })?._zod?.def
  if (!def || depth > 8) return null
  if (def.type === 'object') return def.shape
  if (def.type === 'pipe') return shapeOf(def.out, depth + 1) ?? shapeOf(def.in, depth + 1)
  if (def.innerType) return shapeOf(def.innerType, depth + 1)
  if (def.type === 'union') return shapeOf(def.options[0], depth + 1)
  return null
}


describe('every action of every function', () => {
  /**
   * Two bad inputs per action (only those its contract refuses, so no handler runs): every field
   * missing, and every field of the wrong type. Each answer is INVALID_INPUT in Chinese.
   */
  const cases: [string, string, string, object][] = []
  for (const [fn, actions] of Object.entries(ROUTERS)) {
    for (const [action, def] of Object.entries(actions)) {
      const shape = shapeOf(def.input)
      const wrong = Object.fromEntries(Object.keys(shape ?? {}).map((key) => [key, { wrong: [1] }]))
      for (const [kind, input] of [
        ['missing', {}],
        ['wrong type', wrong]
      ] as const) {
        if (!def.input.safeParse(input).success) cases.push([fn, action, kind, input])
      }
    }
  }

  it('covers every function', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(Object.keys(ROUTERS)))
    expect(cases.length).toBeGreaterThan(100)
  })

  it('answers every bad input with INVALID_INPUT in Chinese, naming the fields', async () => {
    for (const [fn, action, kind, input] of cases) {
      const reply = await cloud.call(fn, action, input, 'demo-admin')
      const where = `${fn}.${action} (${kind})`
      expect({ where, code: reply.ok ? 'ok' : reply.error.code }).toEqual({ where, code: 'INVALID_INPUT' })
      if (reply.ok) continue
      expectChinese(where, reply.error.message)
      if (process.env.PRINT_MESSAGES) console.log(where, reply.error.message)
      expect({ where, fields: (reply.error.fields ?? []).length > 0 }).toEqual({ where, fields: true })
    }
  })

  it('answers an unknown action in Chinese', async () => {
    const unknown = await cloud.call('members', 'nope', {}, 'demo-admin')
    expect(unknown.ok ? '' : unknown.error.message).toBe('未知操作：nope')
  })

  it('answers a missing action, or one that is not a plain name, without echoing it', async () => {
    const answers: [unknown, string][] = [
      [undefined, '请求缺少操作名'],
      [null, '请求缺少操作名'],
      ['', '请求缺少操作名'],
      [{ name: 'review' }, '未知操作'],
      [['review'], '未知操作'],
      [42, '未知操作'],
      [true, '未知操作'],
      ['x'.repeat(200), '未知操作'],
      ['<img src=x onerror=alert(1)>', '未知操作'],
      ['换行\n操作', '未知操作'],
      ['toString', '未知操作：toString'],
      ['members.nope', '未知操作：members.nope']
    ]
    for (const [action, message] of answers) {
      const reply = await cloud.call('members', action as string, {}, 'demo-admin')
      expect({ action, reply }).toEqual({ action, reply: { ok: false, error: { code: 'INVALID_INPUT', message, fields: ['action'] } } })
    }
  })
})
