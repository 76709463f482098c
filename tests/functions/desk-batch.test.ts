/**
 * The back office's review work in batch (issue #19, docs/back-office.md §4 and §7):
 * `members.reviewMany` and `activities.verifyMany` run the single action's own handler for each id
 * (four at a time) and answer per id; one refusal never stops the others. Also `members.list`'s
 * `sort`. On the emulator backend with the real wx-server-sdk; the PC is a desk session (asDesk).
 */
import { BATCH_MAX } from '../../contracts/batch'
import { anonymousWeb, asDesk, startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud?.close())

const NOW = '2026-11-27T09:00:00+08:00'
beforeEach(() => cloud.clock.set(NOW))

let seq = 0
const fresh = (prefix: string) => `${prefix}-${++seq}`

/** A copy of a seeded pending c1 registration for a new person (each test acts on its own). */
function pendingC1(): string {
  const source = cloud.store.findOne('registrations', { communityId: 'c1', status: 'pending', isTransfer: false })!
  const openid = fresh('batch-applicant')
  const _id = fresh('batchreg')
  cloud.store.insertOne('registrations', { ...source, _id, openid, slot: `pending:${openid}` })
  return _id
}

/** A copy of a seeded pending c1 service record for a new volunteer (or `overrides`). */
function recordC1(overrides: Record<string, unknown> = {}): string {
  const source = cloud.store.findOne('serviceRecords', { communityId: 'c1', status: 'pending', makeUp: false })!
  const _id = fresh(`${source.activityId}:batch-volunteer`)
  cloud.store.insertOne('serviceRecords', { ...source, openid: fresh('batch-volunteer'), ...overrides, _id })
  return _id
}

/** A registration as stored, without what differs between two people's copies. */
const comparable = (id: string) => {
  const { _id, openid, slot, ...rest } = cloud.store.get('registrations', id)!
  return rest
}

let ips = 0
/** start → scan → confirm → poll: a PC signed in by scan as `openid`; its desk session id. */
async function deskSignedIn(openid = 'demo-staff'): Promise<string> {
  const s = await cloud.ok<{ sid: string; pollSecret: string; scene: string }>('auth', 'deskStart', { ua: 'Mozilla/5.0 Chrome/120' }, anonymousWeb(`203.0.113.${++ips}`))
  await cloud.ok('auth', 'deskScan', { scene: s.scene }, openid)
  await cloud.ok('auth', 'deskConfirm', { scene: s.scene }, openid)
  await cloud.ok('auth', 'deskPoll', { sid: s.sid, pollSecret: s.pollSecret }, anonymousWeb())
  return s.sid
}

const auditsOf = (action: string) => cloud.store.find('auditLogs', { action }) as Record<string, any>[]

describe('members.reviewMany', () => {
  it('a mixed batch answers per id, under review’s own guards, and ends as single reviews would', async () => {
    const [a, b, reviewed, single] = [pendingC1(), pendingC1(), pendingC1(), pendingC1()]
    // Reviewed already (by c1's staff through the single action): a CONFLICT for that id only.
    await cloud.ok('members', 'review', { registrationId: reviewed, decision: 'approve' }, 'demo-staff')
    const other = cloud.store.findOne('registrations', { communityId: 'c2' })!
    const otherBefore = cloud.store.get('registrations', other._id)
    const auditsBefore = auditsOf('members.reviewMany').length

    const reply = await cloud.ok('members', 'reviewMany', { registrationIds: [a, reviewed, other._id, 'no-such-registration', b], decision: 'approve' }, 'demo-staff')
    expect(reply).toEqual({
      results: [
        { id: a, ok: true },
        { id: reviewed, ok: false, error: { code: 'CONFLICT', message: '该报到已被处理，请刷新后查看' } },
        { id: other._id, ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/[\u4e00-\u9fff]/) } },
        { id: 'no-such-registration', ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('报到记录') } },
        { id: b, ok: true }
      ]
    })
    // The same message a single review of that registration answers.
    const alone = await cloud.call('members', 'review', { registrationId: other._id, decision: 'approve' }, 'demo-staff')
    expect(alone.ok ? null : alone.error.message).toBe((reply.results[2] as { error: { message: string } }).error.message)
    expect(cloud.store.get('registrations', other._id)).toEqual(otherBefore)

    // The same end state as the single action: the registration, the member's role, the message.
    await cloud.ok('members', 'review', { registrationId: single, decision: 'approve' }, 'demo-staff')
    expect(comparable(a)).toEqual(comparable(single))
    expect(comparable(b)).toEqual(comparable(single))
    expect(cloud.store.get('registrations', a)).toMatchObject({ status: 'approved', reviewedBy: 'demo-staff', reviewerName: '张敏' })
    for (const id of [a, b, single]) {
      const openid = cloud.store.get('registrations', id)!.openid
      expect(cloud.store.get('users', openid)!.roles).toContain('member')
      expect(cloud.store.find('outbox', { touser: openid })).toHaveLength(1)
    }

    // The batch is in the audit log: one entry for c1 naming the two approved (a single review writes none).
    const audits = auditsOf('members.reviewMany')
    expect(audits).toHaveLength(auditsBefore + 1)
    expect(audits[audits.length - 1]).toMatchObject({
      actor: 'demo-staff',
      communityId: 'c1',
      target: { collection: 'registrations', id: a },
      detail: { decision: 'approve', ids: [a, b], rows: 2, reason: '批量通过' }
    })
    expect(cloud.store.find('auditLogs', { 'target.id': single })).toHaveLength(0)
    // 访问记录 shows it to c1's staff.
    const logs = await cloud.ok('users', 'auditLogs', { auditAction: 'members.reviewMany' }, 'demo-staff')
    expect(logs.items[0]).toMatchObject({ actionLabel: '批量审核报到', kind: 'manage', communityId: 'c1', reason: '批量通过', note: '共2条' })
  })

  it('a PC signed in by scan rejects a batch with one reason; the history and the audit say so', async () => {
    const sid = await deskSignedIn()
    const ids = [pendingC1(), pendingC1(), pendingC1()]
    const reply = await cloud.ok('members', 'reviewMany', { registrationIds: ids, decision: 'reject', reason: '住址不在本社区辖区' }, asDesk(sid))
    expect(reply.results).toEqual(ids.map((id) => ({ id, ok: true })))
    for (const id of ids) {
      const r = cloud.store.get('registrations', id)!
      expect(r).toMatchObject({ status: 'rejected', rejectReason: '住址不在本社区辖区', reviewedBy: 'demo-staff' })
      expect(r.history[r.history.length - 1]).toMatchObject({ event: 'rejected', actor: 'demo-staff', note: '住址不在本社区辖区' })
    }
    const audit = auditsOf('members.reviewMany').find((e) => e.detail.ids[0] === ids[0])
    expect(audit).toMatchObject({ via: 'desk', sessionId: sid, detail: { decision: 'reject', rows: 3, reason: '批量驳回：住址不在本社区辖区' } })
  })

  it('a resident is refused the whole call; staff of another community are refused each id', async () => {
    const ids = [pendingC1(), pendingC1()]
    const before = ids.map((id) => cloud.store.get('registrations', id))
    const resident = await cloud.call('members', 'reviewMany', { registrationIds: ids, decision: 'approve' }, 'demo-resident')
    expect(resident.ok ? 'ok' : resident.error.code).toBe('FORBIDDEN')
    const anon = await cloud.call('members', 'reviewMany', { registrationIds: ids, decision: 'approve' })
    expect(anon.ok ? 'ok' : anon.error.code).toBe('UNAUTHENTICATED')
    const staff2 = await cloud.ok('members', 'reviewMany', { registrationIds: ids, decision: 'approve' }, 'demo-staff-2')
    expect(staff2.results.map((r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code))).toEqual(['FORBIDDEN', 'FORBIDDEN'])
    expect(ids.map((id) => cloud.store.get('registrations', id))).toEqual(before)
  })

  it.each([
    ['21 ids', { registrationIds: Array.from({ length: BATCH_MAX + 1 }, (_, i) => `r${i}`), decision: 'approve' }, `一次最多处理 ${BATCH_MAX} 条报到记录`],
    ['no id', { registrationIds: [], decision: 'approve' }, '请至少选择一条报到记录'],
    ['a repeated id', { registrationIds: ['r1', 'r2', 'r1'], decision: 'approve' }, '报到记录有重复'],
    ['a reject without a reason', { registrationIds: ['r1'], decision: 'reject', reason: '  ' }, '请填写未通过的原因'],
    ['a bad sort', null, '排序字段无效']
  ] as const)('%s → INVALID_INPUT in Chinese', async (_what, input, message) => {
    const reply = input
      ? await cloud.call('members', 'reviewMany', input, 'demo-staff')
      : await cloud.call('members', 'list', { communityId: 'c1', sort: { field: 'mobile', order: 'asc' } }, 'demo-staff')
    expect(reply.ok ? 'ok' : reply.error.code).toBe('INVALID_INPUT')
    if (!reply.ok) expect(reply.error.message.split('；')).toContain(message)
  })

  it('20 approvals cost no more round trips than 20 single reviews, and at 20 ms a round trip fit members’ timeout', async () => {
    const singles = [pendingC1(), pendingC1()]
    let singleRequests = 0
    let singleMs = 0
    process.env.EMULATOR_DB_LATENCY_MS = '20'
    try {
      for (const id of singles) {
        const { reply, stats } = await cloud.callWithStats('members', 'review', { registrationId: id, decision: 'approve' }, 'demo-staff')
        expect(reply.ok).toBe(true)
        singleRequests = Math.max(singleRequests, stats.dbRequests)
        singleMs = Math.max(singleMs, stats.ms)
      }
      const ids = Array.from({ length: BATCH_MAX }, () => pendingC1())
      const { reply, stats } = await cloud.callWithStats('members', 'reviewMany', { registrationIds: ids, decision: 'approve' }, 'demo-staff')
      expect(reply.ok && reply.data.results.every((r: { ok: boolean }) => r.ok)).toBe(true)
      // The singles' round trips (the caller's read rides on an item's own read, as in a single call), plus the audit entry.
      expect(stats.dbRequests).toBeLessThanOrEqual(BATCH_MAX * singleRequests + 1)
      // Four at a time: well under the singles one after another, and far inside 60 s (and 10 s).
      expect(stats.ms).toBeLessThan(BATCH_MAX * singleMs)
      expect(stats.ms).toBeLessThan(10_000)
      expect(stats.outcome).toBe('ok')
    } finally {
      delete process.env.EMULATOR_DB_LATENCY_MS
    }
  }, 60_000)
})

describe('members.list sort', () => {
  it('orders by the field asked, both ways; without it the queue is oldest first', async () => {
    const times = (items: { reviewedAt?: string; submittedAt: string }[], field: 'reviewedAt' | 'submittedAt') => items.map((r) => new Date(r[field]!).getTime())
    const asc = await cloud.ok('members', 'list', { communityId: 'c1', status: 'approved', sort: { field: 'reviewedAt', order: 'asc' }, pageSize: 100 }, 'demo-staff')
    const desc = await cloud.ok('members', 'list', { communityId: 'c1', status: 'approved', sort: { field: 'reviewedAt', order: 'desc' }, pageSize: 100 }, 'demo-staff')
    expect(asc.items.length).toBeGreaterThan(5)
    const up = times(asc.items, 'reviewedAt')
    expect(up).toEqual([...up].sort((x, y) => x - y))
    const down = times(desc.items, 'reviewedAt')
    expect(down).toEqual([...down].sort((x, y) => y - x))
    expect(up[0]).toBeLessThan(up[up.length - 1])
    expect(asc.total).toBe(desc.total)

    const queue = await cloud.ok('members', 'list', { communityId: 'c1', status: 'pending' }, 'demo-staff')
    const newest = await cloud.ok('members', 'list', { communityId: 'c1', status: 'pending', sort: { field: 'submittedAt', order: 'desc' } }, 'demo-staff')
    const q = times(queue.items, 'submittedAt')
    expect(q).toEqual([...q].sort((x, y) => x - y))
    expect(newest.items.map((r: { id: string }) => r.id)).toEqual(queue.items.map((r: { id: string }) => r.id).reverse())
  })
})

describe('activities.verifyMany', () => {
  it('a mixed batch answers per id under verify’s four eyes; the decided records are as single verifications leave them', async () => {
    const [a, b, single] = [recordC1(), recordC1(), recordC1()]
    const own = recordC1({ openid: 'demo-staff' })
    const notYet = recordC1({ status: 'open', activityEnd: new Date(Date.parse(NOW) + 86_400_000) })
    const other = recordC1({ communityId: 'c2' })
    const reply = await cloud.ok(
      'activities',
      'verifyMany',
      { recordIds: [a, own, notYet, other, 'no-such-record', b], decision: 'decline', reason: '未见签到照片' },
      'demo-staff'
    )
    const codes = reply.results.map((r: { id: string; ok: boolean; error?: { code: string } }) => [r.id, r.ok ? 'ok' : r.error!.code])
    expect(codes).toEqual([
      [a, 'ok'],
      [own, 'FORBIDDEN'],
      [notYet, 'CONFLICT'],
      [other, 'FORBIDDEN'],
      ['no-such-record', 'NOT_FOUND'],
      [b, 'ok']
    ])
    expect(reply.results[1].error.message).toBe('不能认定自己的服务时长')
    expect(reply.results[2].error.message).toBe('该志愿者尚未签退，活动结束后再审核')
    await cloud.ok('activities', 'verify', { recordId: single, decision: 'decline', reason: '未见签到照片' }, 'demo-staff')
    const strip = (id: string) => {
      const { _id, openid, ...rest } = cloud.store.get('serviceRecords', id)!
      return rest
    }
    expect(strip(a)).toEqual(strip(single))
    expect(strip(b)).toMatchObject({ status: 'declined', verifiedMinutes: 0, verifiedBy: 'demo-staff' })
    for (const id of [own, notYet, other]) expect(cloud.store.get('serviceRecords', id)!.status).not.toBe('declined')
    const audit = auditsOf('activities.verifyMany').find((e) => e.detail.ids[0] === a)
    expect(audit).toMatchObject({ communityId: 'c1', target: { collection: 'serviceRecords', id: a }, detail: { decision: 'decline', ids: [a, b], rows: 2, reason: '批量不予认定：未见签到照片' } })
  })

  it('approves from a PC; a resident is refused; bad inputs answer in Chinese', async () => {
    const sid = await deskSignedIn()
    const ids = [recordC1(), recordC1()]
    const reply = await cloud.ok('activities', 'verifyMany', { recordIds: ids, decision: 'approve' }, asDesk(sid))
    expect(reply.results).toEqual(ids.map((id) => ({ id, ok: true })))
    for (const id of ids) expect(cloud.store.get('serviceRecords', id)).toMatchObject({ status: 'approved', verifiedBy: 'demo-staff' })
    const resident = await cloud.call('activities', 'verifyMany', { recordIds: [recordC1()], decision: 'approve' }, 'demo-resident')
    expect(resident.ok ? 'ok' : resident.error.code).toBe('FORBIDDEN')
    for (const [input, message] of [
      [{ recordIds: Array.from({ length: BATCH_MAX + 1 }, (_, i) => `x${i}`), decision: 'approve' }, `一次最多处理 ${BATCH_MAX} 条服务记录`],
      [{ recordIds: ['x1', 'x1'], decision: 'approve' }, '服务记录有重复'],
      [{ recordIds: ['x1'], decision: 'adjust', minutes: 30 }, '请填写调整理由']
    ] as const) {
      const bad = await cloud.call('activities', 'verifyMany', input, 'demo-staff')
      expect(bad.ok ? 'ok' : bad.error.code).toBe('INVALID_INPUT')
      if (!bad.ok) expect(bad.error.message.split('；')).toContain(message)
    }
  })

  it('20 records at 20 ms a round trip fit activities’ 10 s', async () => {
    process.env.EMULATOR_DB_LATENCY_MS = '20'
    try {
      const ids = Array.from({ length: BATCH_MAX }, () => recordC1())
      const { reply, stats } = await cloud.callWithStats('activities', 'verifyMany', { recordIds: ids, decision: 'approve' }, 'demo-staff')
      expect(reply.ok && reply.data.results.every((r: { ok: boolean }) => r.ok)).toBe(true)
      expect(stats.outcome).toBe('ok')
      expect(stats.ms).toBeLessThan(10_000)
    } finally {
      delete process.env.EMULATOR_DB_LATENCY_MS
    }
  }, 60_000)
})
