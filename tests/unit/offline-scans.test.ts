/** @jest-environment jsdom */
/**
 * The queue of scans made without signal (src/features/volunteer/offlineScans.ts): kept with the
 * scan time and who scanned, one per person and purpose, bounded by age and a cap; an upload sends
 * only the signed-in person's scans, keeps what got no usable answer (INTERNAL) and drops what the
 * server answered (a refusal is final). 首页's count (features/volunteer/tab.ts) reads the same key.
 */
import { resetTaroStub } from '../support/taro-stub'
import { setTransport } from '@/services/cloud/call'
import type { Transport } from '@/services/cloud/types'
import { QUEUED_SCAN_MAX_AGE_MS } from '@contracts/activities'
import { sessionStore } from '@/features/session/store'
import { isNetworkFailure, MAX_QUEUED_SCANS, queuedScans, queueScan, uploadScans } from '@/features/volunteer/offlineScans'
import { queuedScanCount, queuedStaffScanActivity } from '@/features/volunteer/tab'

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

const meOf = (openid: string) => ({ ok: true, data: { openid, roles: ['member'], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: {} } })
let signedInAs = 'demo-member'
/** The server as `handle` answers, `users.me` saying who is signed in. */
const server = (handle: Transport): Transport => async (name, data) => (name === 'users' && data.action === 'me' ? meOf(signedInAs) : handle(name, data))

beforeEach(() => {
  resetTaroStub()
  sessionStore.reset()
  signedInAs = 'demo-member'
  // The phone's clock a few hours after the scan times used here (0:00:01 …), within the server's window.
  jest.spyOn(Date, 'now').mockReturnValue(20_000_000)
})
afterEach(() => {
  setTransport()
  jest.restoreAllMocks()
})

describe('queueScan', () => {
  test('keeps the scan with its time; the same code, or another code of the same activity, is one check-in (the first)', () => {
    const first = queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 1000 })
    expect(first).not.toBeNull()
    expect(queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 2000 })?.id).toBe(first?.id)
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

  const card = (i: number, direction: 'in' | 'out', scannedAt: number) =>
    ({ kind: 'staffScan', payload: { activityId: 'act1', memberCode: `SFQ${String(i).padStart(6, '0')}.Ab3dEf7h`, direction }, scannedAt }) as const

  test('an organiser checking 60 people in and out offline keeps all 120 scans', () => {
    const now = Date.now()
    for (let i = 0; i < 60; i++) expect(queueScan(card(i, 'in', now - 3_600_000 + i))).not.toBeNull()
    for (let i = 0; i < 60; i++) expect(queueScan(card(i, 'out', now - 60_000 + i))).not.toBeNull()
    const kept = queuedScans()
    expect(kept).toHaveLength(120)
    expect(kept[0].scannedAt).toBe(now - 3_600_000)
  })

  test('scans older than the server accepts are dropped when another is kept; at the cap a scan is refused, none dropped', () => {
    const now = Date.now()
    queueScan(card(9999, 'in', now - QUEUED_SCAN_MAX_AGE_MS - 3_600_000))
    expect(queuedScans()).toHaveLength(1)
    for (let i = 0; i < MAX_QUEUED_SCANS; i++) expect(queueScan(card(i, 'in', now - 1000 + i / 1000))).not.toBeNull()
    const kept = queuedScans()
    expect(kept).toHaveLength(MAX_QUEUED_SCANS)
    expect(kept.some((s) => s.kind === 'staffScan' && s.payload.memberCode.startsWith('SFQ009999'))).toBe(false)
    expect(MAX_QUEUED_SCANS).toBeGreaterThanOrEqual(500)
    expect(queueScan(card(MAX_QUEUED_SCANS, 'in', now))).toBeNull()
    expect(queuedScans()).toHaveLength(MAX_QUEUED_SCANS)
    expect(queuedScans()[0].scannedAt).toBe(kept[0].scannedAt)
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
    setTransport(server(async (_name, data) => {
      sent.push(data)
      return data.action === 'checkIn' ? result('in', 1000) : { ok: false, error: { code: 'EXPIRED', message: '扫码时的签到码与扫码时间不符', fields: ['scannedAt'] } }
    }))
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
    setTransport(server(async () => {
      calls++
      if (calls === 1) return result('in', 1000)
      throw new TypeError('Failed to fetch')
    }))
    const outcomes = await uploadScans()
    expect(outcomes.map((o) => o.scan.scannedAt)).toEqual([1000])
    expect(queuedScans().map((s) => s.scannedAt)).toEqual([2000, 3000])
  })

  test('one upload at a time: a second call while one runs shares it', async () => {
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 1000 })
    let calls = 0
    setTransport(server(async () => {
      calls++
      await new Promise((r) => setTimeout(r, 10))
      return result('in', 1000)
    }))
    const [a, b] = await Promise.all([uploadScans(), uploadScans()])
    expect(calls).toBe(1)
    expect(a).toBe(b)
  })

  test('a page instead of the reply (a captive portal) or a server error keeps the scan; a refusal does not', async () => {
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 1000 })
    setTransport(server(async () => '<html>请登录 Wi-Fi</html>'))
    expect(await uploadScans()).toEqual([])
    expect(queuedScans()).toHaveLength(1)
    setTransport(server(async () => ({ ok: false, error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' } })))
    expect(await uploadScans()).toEqual([])
    expect(queuedScans()).toHaveLength(1)
    setTransport(server(async () => ({ ok: false, error: { code: 'FORBIDDEN', message: '您未报名本活动' } })))
    expect((await uploadScans()).map((o) => o.reply.ok)).toEqual([false])
    expect(queuedScans()).toEqual([])
  })

  test("only the signed-in person's scans are sent; another person's stay for them", async () => {
    const sent: Array<[string, unknown]> = []
    setTransport(server(async (_name, data) => {
      sent.push([signedInAs, data.token])
      return result('in', 1000)
    }))
    await sessionStore.load()
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 1000 })
    expect(queuedScans()[0].by).toBe('demo-member')

    // Another persona signs in on the same browser.
    sessionStore.reset()
    signedInAs = 'demo-resident'
    await sessionStore.load()
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_B }, scannedAt: 2000 })
    expect(queuedScans().map((s) => s.by)).toEqual(['demo-resident'])
    expect(queuedScanCount('demo-resident')).toBe(1)
    expect(queuedScanCount()).toBe(2)
    expect((await uploadScans()).map((o) => o.scan.scannedAt)).toEqual([2000])
    expect(sent).toEqual([['demo-resident', TOKEN_B]])

    // Back as the first: their scan goes now, sent as them.
    sessionStore.reset()
    signedInAs = 'demo-member'
    expect((await uploadScans()).map((o) => o.scan.scannedAt)).toEqual([1000])
    expect(sent[1]).toEqual(['demo-member', TOKEN_A])
    expect(queuedScanCount()).toBe(0)
  })

  test('nothing is sent while who is signed in cannot be learnt (no signal)', async () => {
    queueScan({ kind: 'checkIn', payload: { token: TOKEN_A }, scannedAt: 1000 })
    setTransport(offline)
    expect(await uploadScans()).toEqual([])
    expect(queuedScans()).toHaveLength(1)
  })
})

test("首页's count reads the same storage; the organiser's scans of one activity lead to its scan page", () => {
  expect(queuedScanCount()).toBe(0)
  queueScan({ kind: 'staffScan', payload: { activityId: 'act1', memberCode: 'SFQ000123.Ab3dEf7h', direction: 'in' }, scannedAt: 1000 })
  queueScan({ kind: 'staffScan', payload: { activityId: 'act1', memberCode: 'SFQ000124.Ab3dEf7h', direction: 'in' }, scannedAt: 2000 })
  expect(queuedScanCount()).toBe(2)
  expect(queuedStaffScanActivity()).toBe('act1')
  queueScan({ kind: 'checkIn', payload: { token: TOKEN_B }, scannedAt: 3000 })
  expect(queuedScanCount()).toBe(3)
  expect(queuedStaffScanActivity()).toBeUndefined()
})

test('isNetworkFailure: no usable answer (no signal, timed out, malformed, server error), never a server refusal', () => {
  expect(isNetworkFailure({ ok: false, error: { code: 'INTERNAL', message: '网络异常，请稍后重试' } })).toBe(true)
  expect(isNetworkFailure({ ok: false, error: { code: 'INTERNAL', message: '服务响应超时，请稍后重试' } })).toBe(true)
  expect(isNetworkFailure({ ok: false, error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' } })).toBe(true)
  expect(isNetworkFailure({ ok: false, error: { code: 'EXPIRED', message: '签到码已过期' } })).toBe(false)
  expect(isNetworkFailure({ ok: true, data: {} })).toBe(false)
})
