/**
 * The message queue (server/notify/queue.ts): an action that tells many people queues their
 * messages (one write per 100) and the activities function's timer `deliverMessages` sends them —
 * every message exactly once, even with two drains at once; a claim left by a drain that died is
 * taken again later, and given up after three attempts. Also what the organiser's actions cost now
 * (round trips) and that their replies equal what `activities.get` shows.
 */
import { startTestCloud, type TestCloud } from '../support/cloud'
import { createActivity } from '../support/activities'
import { deliverMessages } from '../support/messages'
import { addVolunteer } from '../support/volunteers'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())
beforeEach(() => cloud.clock.set('2026-11-27T09:00:00+08:00'))

const people = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `u-${prefix}-${String(i).padStart(3, '0')}`)
const addPeople = (ids: string[]) => ids.forEach((openid, i) => addVolunteer(cloud, openid, { name: `测试${i}`, mobile: `1370000${String(i).padStart(4, '0')}`, communityId: 'c1' }))

/** Signs `ids` up directly in the store (the sign-up path is tested elsewhere): confirmed up to the capacity, then waiting. */
function signUpAll(activityId: string, ids: string[], capacity: number) {
  const at = new Date(cloud.clock.now())
  ids.forEach((openid, i) =>
    cloud.store.insertOne('activitySignups', {
      _id: `${activityId}:${openid}`,
      activityId,
      openid,
      status: i < capacity ? 'confirmed' : 'waiting',
      signedUpAt: new Date(+at + i),
      createdAt: at,
      updatedAt: at,
      history: []
    })
  )
  const confirmed = Math.min(capacity, ids.length)
  cloud.store.updateOne('activities', { _id: activityId }, { $set: { confirmedCount: confirmed, waitingCount: ids.length - confirmed, placesLeft: capacity - confirmed } })
}

const outboxOf = (templateId: string) => cloud.store.find('outbox', { templateId })

describe('cancelling an activity of 150 people', () => {
  test('queues the messages in two documents within 5 round trips; the drain sends each exactly once', async () => {
    const a = await createActivity(cloud, 'demo-staff', { capacity: 100 })
    const ids = people('mq', 150)
    addPeople(ids)
    signUpAll(a._id, ids, 100)
    const before = outboxOf('tpl-activity-cancelled').length

    const { reply, stats } = await cloud.callWithStats('activities', 'cancel', { activityId: a._id, reason: '场地维修' }, 'demo-staff')
    expect(reply).toEqual({ ok: true, data: { notified: 150 } })
    expect(stats.dbRequests).toBeLessThanOrEqual(5)
    // Nothing sent during the call: two queue documents (100 + 50), pending.
    expect(outboxOf('tpl-activity-cancelled')).toHaveLength(before)
    const queued = cloud.store.find('messageQueue', { status: 'pending' })
    expect(queued.map((d) => d.messages.length).sort((x, y) => x - y)).toEqual([50, 100])
    expect(cloud.store.count('activitySignups', { activityId: a._id, status: 'cancelled' })).toBe(150)

    // Two drains at once (two timer instances): every message once.
    const [one, two] = await Promise.all([deliverMessages(cloud), deliverMessages(cloud)])
    expect(one.sent + two.sent).toBe(150)
    expect(one.documents + two.documents).toBe(2)
    const told = outboxOf('tpl-activity-cancelled').slice(before)
    expect(told.map((m) => m.touser).sort()).toEqual([...ids].sort())
    expect(told.every((m) => m.summary.includes('场地维修') && m.problems.length === 0)).toBe(true)
    // Done: counts kept, the messages (openids) dropped; a later drain sends nothing.
    expect(cloud.store.find('messageQueue', { status: 'done' }).map((d) => [d.sent, d.failed, d.messages.length])).toEqual(
      expect.arrayContaining([
        [100, 0, 0],
        [50, 0, 0]
      ])
    )
    expect(await deliverMessages(cloud)).toMatchObject({ documents: 0, sent: 0 })
    expect(outboxOf('tpl-activity-cancelled').slice(before)).toHaveLength(150)
  })

  test('a drain is O(pages): a few round trips per queue document, never one per message', async () => {
    const a = await createActivity(cloud, 'demo-staff', { capacity: 50 })
    const ids = people('mp', 60)
    addPeople(ids)
    signUpAll(a._id, ids, 50)
    await cloud.ok('activities', 'cancel', { activityId: a._id, reason: '天气原因' }, 'demo-staff')
    // Each round trip named (`<request> <collection>`), for this call.
    const tracing = process.env.EMULATOR_CALL_TRACE
    process.env.EMULATOR_CALL_TRACE = '1'
    const { reply, stats } = await cloud.callWithStats('activities', undefined as unknown as string, { Type: 'Timer', TriggerName: 'deliverMessages' }).finally(() => {
      if (tracing === undefined) delete process.env.EMULATOR_CALL_TRACE
      else process.env.EMULATOR_CALL_TRACE = tracing
    })
    expect(reply).toMatchObject({ ok: true, data: { documents: 1, sent: 60 } })
    // The outbox is the emulator's stand-in for the platform's send (one write per message there);
    // the queue itself: one page read, one claim, one done. The same timer job first reads the
    // contested hand-offs' messages (`tellPromoted`), the erasures withdrawals left
    // (`pendingErasure`) and the activities with stale waiting claims (`waitingClaimAt`) as ONE
    // combined read (an aggregate over the driver, `communities`), and, all pages empty, writes
    // nothing: 3 + 60 + 1, exactly.
    const trace: string[] = stats.dbTrace ?? []
    expect(trace.filter((t) => t.endsWith(' messageQueue'))).toHaveLength(3)
    expect(trace.filter((t) => t.endsWith(' outbox'))).toHaveLength(60)
    expect(trace.filter((t) => t === 'aggregateDocuments communities')).toHaveLength(1)
    expect(trace).toHaveLength(stats.dbRequests)
    expect(stats.dbRequests).toBe(3 + 60 + 1)
    expect(reply).toMatchObject({ ok: true, data: { promoted: 0, erasures: { people: 0, registrations: 0, signUps: 0 }, waitingClaims: { activities: 0, cancelled: 0 } } })
  })
})

describe('the drain', () => {
  test('a claim left by a drain that died is taken again after 5 minutes; after 3 attempts it is given up', async () => {
    const now = new Date(cloud.clock.now())
    const message = { touser: 'demo-member', templateId: 'tpl-activity-reminder', page: 'x', data: { thing1: { value: '测试' } }, summary: '重试测试' }
    cloud.store.insertOne('messageQueue', { _id: 'stale-1', status: 'sending', dueAt: new Date(+now + 5 * 60_000), messages: [message], attempts: 1, createdAt: now })
    cloud.store.insertOne('messageQueue', { _id: 'stale-3', status: 'sending', dueAt: new Date(+now - 1), messages: [message], attempts: 3, createdAt: now })
    const before = cloud.store.count('outbox', { summary: '重试测试' })
    // Still claimed: not taken. The one claimed three times: given up, not sent.
    expect(await deliverMessages(cloud)).toMatchObject({ documents: 0, abandoned: 1 })
    // Given up, it keeps no personal data (the openids and names of its messages go).
    expect(cloud.store.get('messageQueue', 'stale-3')).toMatchObject({ status: 'failed', messages: [] })
    expect(cloud.store.count('outbox', { summary: '重试测试' })).toBe(before)
    cloud.clock.advance(5 * 60_000 + 1)
    expect(await deliverMessages(cloud)).toMatchObject({ documents: 1, sent: 1 })
    expect(cloud.store.get('messageQueue', 'stale-1')).toMatchObject({ status: 'done', attempts: 2, sent: 1 })
    expect(cloud.store.count('outbox', { summary: '重试测试' })).toBe(before + 1)
  })

  test('only the cloud timer runs it: the same event from a person is refused', async () => {
    const reply = await cloud.call('activities', undefined as unknown as string, { Type: 'Timer', TriggerName: 'deliverMessages' }, 'demo-staff')
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })
})

describe('the organiser’s other actions', () => {
  test('an edit of time and place: ≤ 5 round trips, the reply equals `get`, everyone told after the drain', async () => {
    const a = await createActivity(cloud, 'demo-staff', { capacity: 3 })
    const ids = people('me', 5)
    addPeople(ids)
    signUpAll(a._id, ids, 3)
    const { reply, stats } = await cloud.callWithStats(
      'activities',
      'update',
      { activityId: a._id, start: '2026-11-29 10:00', end: '2026-11-29 12:00', place: { name: '社区广场' }, note: '换到广场' },
      'demo-staff'
    )
    expect(reply.ok).toBe(true)
    expect(stats.dbRequests).toBeLessThanOrEqual(5)
    const detail = await cloud.ok('activities', 'get', { activityId: a._id }, 'demo-staff')
    // The reply is built from what was read and written, not read again: the same as `get` (figures included).
    expect(reply.ok && reply.data).toEqual(detail)
    await deliverMessages(cloud)
    const told = cloud.store.find('outbox', { templateId: 'tpl-activity-changed' }).filter((m) => ids.includes(m.touser))
    expect(told.map((m) => m.touser).sort()).toEqual(ids)
    expect(told[0].summary).toContain('换到广场')
  })

  test('an edit of the description alone: 2 round trips, nobody told; a larger capacity promotes and the reply equals `get`', async () => {
    const a = await createActivity(cloud, 'demo-staff', { capacity: 2 })
    const ids = people('md', 4)
    addPeople(ids)
    signUpAll(a._id, ids, 2)
    const queuedBefore = cloud.store.count('messageQueue')
    const { reply, stats } = await cloud.callWithStats('activities', 'update', { activityId: a._id, description: '带上手套' }, 'demo-staff')
    expect(reply.ok && reply.data.description).toBe('带上手套')
    expect(stats.dbRequests).toBeLessThanOrEqual(3)
    expect(cloud.store.count('messageQueue')).toBe(queuedBefore)
    const bigger = await cloud.ok('activities', 'update', { activityId: a._id, capacity: 3 }, 'demo-staff')
    expect(bigger).toMatchObject({ capacity: 3, confirmedCount: 3, waitingCount: 1 })
    expect(bigger).toEqual(await cloud.ok('activities', 'get', { activityId: a._id }, 'demo-staff'))
  })

  test('a reminder to those confirmed: 3 round trips, queued, sent by the drain', async () => {
    const a = await createActivity(cloud, 'demo-staff', { capacity: 3 })
    const ids = people('mr', 5)
    addPeople(ids)
    signUpAll(a._id, ids, 3)
    const { reply, stats } = await cloud.callWithStats('activities', 'remind', { activityId: a._id }, 'demo-staff')
    expect(reply).toEqual({ ok: true, data: { sent: 3, already: false } })
    expect(stats.dbRequests).toBeLessThanOrEqual(3)
    await deliverMessages(cloud)
    const told = cloud.store.find('outbox', { templateId: 'tpl-activity-reminder' }).filter((m) => ids.includes(m.touser))
    expect(told.map((m) => m.touser).sort()).toEqual(ids.slice(0, 3))
  })

  test('creating: 2 round trips for a staff member’s own community (its name remembered)', async () => {
    await createActivity(cloud, 'demo-staff')
    const { reply, stats } = await cloud.callWithStats(
      'activities',
      'create',
      { title: '读书会', category: '其他', start: '2026-11-30 19:00', end: '2026-11-30 20:00', place: '党群服务中心', capacity: 10 },
      'demo-staff'
    )
    expect(reply.ok).toBe(true)
    expect(stats.dbRequests).toBe(2)
  })
})
