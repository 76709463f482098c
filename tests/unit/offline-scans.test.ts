/**
 * The queue of scans made without signal (src/features/volunteer/offlineScans.ts): kept with the
 * scan time, one per person and purpose, bounded; an upload keeps what failed for no network and
 * drops what the server answered (a refusal is final).
 */
import { resetTaroStub } from '../support/taro-stub'
import { setTransport } from '@/services/cloud/call'
import type { Transport } from '@/services/cloud/types'
import { isNetworkFailure, MAX_QUEUED_SCANS, queuedScans, queueScan, uploadScans } from '@/features/volunteer/offlineScans'

const TOKEN_A = 'act1.tzz0ab.AbCdEfGhIjKl'
const TOKEN_A2 = 'act1.tzz0ac.ZyXwVuTsRqPo'
const TOKEN_B = 'act2.tzz0ab.MnOpQrStUvWx'

const result = (direction: 'in' | 'out', at: number) => ({
  ok: true,
  data: { activityId: 'act1', activityTitle: '楼道清理', kind: 'volunteer', direction, already: false, at: new Date(at).toISOString(), walkIn: false }
})

const offline: Transport = async () => {
  throw new TypeError('Failed to fetch')
}

beforeEach(() => resetTaroStub())
afterEach(() => setTransport())

describe('queueScan', () => {
  test('keeps the scan with its time; the same code, or another code of the same activity, is one check-in (the first)', () => {
    const first = queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 1000 })
    expect(queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 2000 }).id).toBe(first.id)
    queueScan({ kind: 'checkIn', payload: { token: `https://x/#/p?t=${TOKEN_A2}` }, scannedAt: 3000 })
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_B }, scannedAt: 4000 })
    expect(queuedScans().map((s) => [s.kind, s.scannedAt])).toEqual([
      ['checkIn', 1000],
      ['checkIn', 4000]
    ])
  })

  test('a repeated check-out keeps the last scan; the organiser scanning one card twice keeps one, another card is another', () => {
    queueScan({ kind: 'checkOut', payload: { token: TOKEN_A }, scannedAt: 1000 })
    queueScan({ kind: 'checkOut', payload: { token: TOKEN_A2 }, scannedAt: 5000 })
    const card = { activityId: 'act1', memberCode: 'SFQ000123.Ab3dEf7h', direction: 'in' as const }
    queueScan({ kind: 'staffScan', payload: card, scannedAt: 2000 })
    queueScan({ kind: 'staffScan', payload: { ...card, memberCode: ' SFQ000123.Ab3dEf7h ' }, scannedAt: 3000 })
    queueScan({ kind: 'staffScan', payload: { ...card, memberCode: 'SFQ000124.Zz9yXw8v' }, scannedAt: 3500 })
    queueScan({ kind: 'staffScan', payload: { ...card, direction: 'out' }, scannedAt: 4000 })
    expect(queuedScans().map((s) => [s.kind, s.scannedAt])).toEqual([
      ['staffScan', 2000],
      ['staffScan', 3500],
      ['staffScan', 4000],
      ['checkOut', 5000]
    ])
  })

  test('is bounded: past the limit the oldest scans go', () => {
    for (let i = 0; i < MAX_QUEUED_SCANS + 5; i++) {
      queueScan({ kind: 'staffScan', payload: { activityId: 'act1', memberCode: `SFQ${String(i).padStart(6, '0')}.Ab3dEf7h`, direction: 'in' }, scannedAt: 10_000 + i })
    }
    const kept = queuedScans()
    expect(kept).toHaveLength(MAX_QUEUED_SCANS)
    expect(kept[0].scannedAt).toBe(10_005)
  })
})

describe('uploadScans', () => {
  test('without signal keeps everything and reports nothing', async () => {
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 1000 })
    queueScan({ kind: 'checkOut', payload: { token: TOKEN_A2 }, scannedAt: 2000 })
    setTransport(offline)
    expect(await uploadScans()).toEqual([])
    expect(queuedScans()).toHaveLength(2)
  })

  test('sends oldest first with the scan time and the phone clock; an answer removes a scan, a refusal too (not retried)', async () => {
    queueScan({ kind: 'checkOut', payload: { token: TOKEN_A2 }, scannedAt: 5000 })
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_A, activityId: 'act1' }, scannedAt: 1000 })
    const sent: Array<Record<string, unknown>> = []
    setTransport(async (_name, data) => {
      sent.push(data)
      return data.action === 'checkIn' ? result('in', 1000) : { ok: false, error: { code: 'EXPIRED', message: '扫码时的签到码与扫码时间不符', fields: ['scannedAt'] } }
    })
    const before = Date.now()
    const outcomes = await uploadScans()
    expect(sent.map((d) => [d.action, d.token, d.scannedAt])).toEqual([
      ['checkIn', TOKEN_A, 1000],
      ['checkOut', TOKEN_A2, 5000]
    ])
    expect(sent[0].activityId).toBe('act1')
    expect(sent[0].sentAt as number).toBeGreaterThanOrEqual(before)
    expect(outcomes.map((o) => [o.scan.kind, o.reply.ok])).toEqual([
      ['checkIn', true],
      ['checkOut', false]
    ])
    expect(queuedScans()).toEqual([])
    // Nothing left to send: a second upload sends nothing.
    sent.length = 0
    expect(await uploadScans()).toEqual([])
    expect(sent).toEqual([])
  })

  test('the signal dropping half way keeps the scan that failed and those after it', async () => {
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 1000 })
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_B }, scannedAt: 2000 })
    queueScan({ kind: 'staffScan', payload: { activityId: 'act1', memberCode: 'SFQ000123.Ab3dEf7h', direction: 'in' }, scannedAt: 3000 })
    let calls = 0
    setTransport(async () => {
      calls++
      if (calls === 1) return result('in', 1000)
      throw new TypeError('Failed to fetch')
    })
    const outcomes = await uploadScans()
    expect(outcomes.map((o) => o.scan.scannedAt)).toEqual([1000])
    expect(queuedScans().map((s) => s.scannedAt)).toEqual([2000, 3000])
  })

  test('one upload at a time: a second call while one runs shares it', async () => {
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 1000 })
    let calls = 0
    setTransport(async () => {
      calls++
      await new Promise((r) => setTimeout(r, 10))
      return result('in', 1000)
    })
    const [a, b] = await Promise.all([uploadScans(), uploadScans()])
    expect(calls).toBe(1)
    expect(a).toBe(b)
  })
})

test('isNetworkFailure: no answer (no signal, timed out) only, never a server refusal', () => {
  expect(isNetworkFailure({ ok: false, error: { code: 'INTERNAL', message: '网络异常，请稍后重试' } })).toBe(true)
  expect(isNetworkFailure({ ok: false, error: { code: 'INTERNAL', message: '服务响应超时，请稍后重试' } })).toBe(true)
  expect(isNetworkFailure({ ok: false, error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' } })).toBe(false)
  expect(isNetworkFailure({ ok: false, error: { code: 'EXPIRED', message: '签到码已过期' } })).toBe(false)
  expect(isNetworkFailure({ ok: true, data: {} })).toBe(false)
})
