import { readEnvelope } from '@contracts/envelope'
import { replyEnvelopeSchema } from '@contracts/reply'

/** The zod-free envelope check (main package) means what the contract's schema means. */
const CASES: [string, unknown][] = [
  ['ok with data', { ok: true, data: { a: 1 } }],
  ['ok with null data', { ok: true, data: null }],
  ['ok without data', { ok: true }],
  ['ok with extra keys', { ok: true, data: 1, extra: 2 }],
  ['an error', { ok: false, error: { code: 'NOT_FOUND', message: '不存在' } }],
  ['an error with fields', { ok: false, error: { code: 'INVALID_INPUT', message: '请填写姓名', fields: ['name'] } }],
  ['an error with extra keys', { ok: false, error: { code: 'FORBIDDEN', message: '无权操作', extra: 1 }, extra: 2 }],
  ['an unknown code', { ok: false, error: { code: 'TEAPOT', message: '?' } }],
  ['a message that is no string', { ok: false, error: { code: 'INTERNAL', message: 1 } }],
  ['fields that are no strings', { ok: false, error: { code: 'INVALID_INPUT', message: 'x', fields: [1] } }],
  ['null fields', { ok: false, error: { code: 'INVALID_INPUT', message: 'x', fields: null } }],
  ['ok false without error', { ok: false }],
  ['an error that is an array', { ok: false, error: [] }],
  ['no ok flag', { data: 1 }],
  ['ok as a string', { ok: 'true', data: 1 }],
  ['undefined', undefined],
  ['null', null],
  ['a string', 'oops'],
  ['an array', [1]]
]

describe('readEnvelope()', () => {
  it.each(CASES)('agrees with replyEnvelopeSchema: %s', (_label, raw) => {
    const parsed = replyEnvelopeSchema.safeParse(raw)
    expect(readEnvelope(raw)).toEqual(parsed.success ? parsed.data : null)
  })
})
