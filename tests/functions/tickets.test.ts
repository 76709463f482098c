/**
 * 三方联动 tickets through the real SDK on the emulator: routing (rules, fall-backs), the lifecycle
 * and who may move it, the public form, ratings, deadlines and escalation with the controlled
 * clock, auto-closing, photos and the content check, the daily limit under parallel calls, and the
 * history kept for every change.
 */
import { buildDistrict } from '../../emulator/seed/district'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { deliverMessages } from '../support/messages'
import { clearTicketDomain, ticketHistory } from './tickets-support'

const HOUR = 3600 * 1000
const DAY = 24 * HOUR
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

const district = buildDistrict(1)
const selfManaged = district.grids.find((g) => g.management === 'self_managed')!
const ocGrids = new Set(district.ownersCommittees.map((oc) => oc.gridId))
const noCommittee = district.grids.find((g) => g.management === 'professional' && !ocGrids.has(g._id))!

let cloud: TestCloud
/** Replies typed loosely, so a test reads `.error?.code` directly. */
const call = (fn: string, action: string | undefined, input?: object, openid?: string): Promise<any> => cloud.call(fn, action as string, input, openid)
/** Ticket messages are queued (server/notify/queue.ts): the drain (the activities timer) puts them in the local outbox. */

function user(openid: string, roles: string[], scopes: Partial<Record<'communityIds' | 'companyIds' | 'gridIds', string[]>>, profile: Record<string, string> = {}) {
  return { _id: openid, openid, roles, scopes: { communityIds: [], companyIds: [], gridIds: [], ...scopes }, profile: { name: openid, ...profile } }
}

beforeAll(async () => {
  cloud = await startTestCloud()
  clearTicketDomain(cloud)
  cloud.store.insertMany('users', [
    user('prop-co2', ['property_staff'], { companyIds: ['co2'] }, { name: '钱经理' }),
    user('neighbour', [], {}, { name: '李桂兰', mobile: '13900000011', communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b3' }),
    user('resident-2', [], {}, { name: '赵大爷', mobile: '13900000012', communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b2' }),
    user('resident-3', [], {}, { name: '孙阿姨', mobile: '13900000013', communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b2' }),
    user('resident-4', [], {}, { name: '周师傅', mobile: '13900000014', communityId: 'c1', gridId: 'c1g1' }),
    user('resident-5', [], {}, { name: '吴奶奶', mobile: '13900000015', communityId: 'c1', gridId: 'c1g1' }),
    user('limited', [], {}, { name: '郑先生', communityId: 'c1', gridId: 'c1g1' })
  ])
})
afterAll(async () => {
  await cloud.close()
})

const report = (openid: string, input: Record<string, unknown> = {}) =>
  cloud.ok('tickets', 'create', { category: 'drain', description: '1号楼门口下水道堵塞，污水漫到路面', gridId: 'c1g1', buildingId: 'c1g1b1', ...input }, openid)

describe('routing', () => {
  test('a blocked drain goes to the compound’s property company; a dispute to the 居委会', async () => {
    const drain = await report('demo-resident')
    expect(drain).toMatchObject({ party: 'property_company', partyName: '安居物业服务有限公司', status: 'submitted', gridName: '锦绣花园', buildingName: '1号楼' })
    // default deadlines for drains: 12 h to accept, 48 h to resolve
    expect(Date.parse(drain.acceptBy) - Date.parse(drain.createdAt)).toBe(12 * HOUR)
    expect(Date.parse(drain.resolveBy) - Date.parse(drain.createdAt)).toBe(48 * HOUR)
    const queue = await cloud.ok('tickets', 'list', { scope: 'queue', leadOnly: true, page: 1, pageSize: 50 }, 'demo-property')
    expect(queue.items.map((t: any) => t._id)).toContain(drain._id)

    const dispute = await report('resident-2', { category: 'dispute', description: '楼上每天深夜装修噪音，协商无果' })
    expect(dispute).toMatchObject({ party: 'residents_committee', partyName: '东风社区居委会', isDispute: true })
    const leadQueue = await cloud.ok('tickets', 'list', { scope: 'queue', leadOnly: true, page: 1, pageSize: 50 }, 'demo-property')
    expect(leadQueue.items.map((t: any) => t._id)).not.toContain(dispute._id)
    // the other parties of the compound see it (and may comment), without leading it
    const all = await cloud.ok('tickets', 'list', { scope: 'queue', page: 1, pageSize: 50 }, 'demo-property')
    expect(all.items.find((t: any) => t._id === dispute._id)).toMatchObject({ lead: false })
  })

  test('a new report tells exactly the lead party’s people (joined with the place; the same as a direct read of users)', async () => {
    const direct = (where: Record<string, unknown>) => cloud.store.find('users', where).map((u: any) => u._id).sort()
    const company = district.grids.find((g) => g._id === 'c1g1')!.companyId
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{}, { roles: 'property_staff', 'scopes.companyIds': company }],
      [{ category: 'dispute', description: '楼道堆放杂物，邻里协商无果' }, { roles: 'staff', 'scopes.communityIds': 'c1' }],
      [{ gridId: selfManaged._id, buildingId: undefined }, { roles: 'staff', 'scopes.communityIds': selfManaged.communityId }]
    ]
    const sentSince = (templateId: string, before: number) => cloud.store.find('outbox', { templateId }).slice(before).map((m: any) => m.touser).sort()
    for (const [input, where] of cases) {
      await deliverMessages(cloud)
      const before = cloud.store.count('outbox', { templateId: 'tpl-ticket-assigned' })
      const t = await report('resident-5', input)
      await deliverMessages(cloud)
      expect(sentSince('tpl-ticket-assigned', before)).toEqual(direct(where))
      // the reporter's comment tells the lead party too (their people read with the ticket)
      const progress = cloud.store.count('outbox', { templateId: 'tpl-ticket-progress' })
      await cloud.ok('tickets', 'comment', { ticketId: t._id, text: '补充：晚上更严重' }, 'resident-5')
      await deliverMessages(cloud)
      expect(sentSince('tpl-ticket-progress', progress)).toEqual(direct(where))
    }
    // not vacuous: the company's and the community's people exist
    expect(direct(cases[0][1]).length * direct(cases[1][1]).length).toBeGreaterThan(0)
  })

  test('a compound without a property company: the 居委会 leads what the company would', async () => {
    expect(selfManaged.companyId).toBeUndefined()
    const t = await report('demo-resident', { gridId: selfManaged._id, buildingId: undefined })
    expect(t).toMatchObject({ party: 'residents_committee', communityId: selfManaged.communityId })
    expect(t.events[0].note).toContain('由居委会牵头')
    expect(t.actions.handoverTo).toEqual([])
  })

  test('the district admin changes a rule; tickets created afterwards follow it, with fall-back where no 业委会 exists', async () => {
    expect((await call('tickets', 'setRule', { category: 'parking', leadParty: 'owners_committee', acceptHours: 6, resolveHours: 96 }, 'demo-staff')).ok).toBe(false)
    const bad = await call('tickets', 'setRule', { category: 'parking', leadParty: 'nobody', acceptHours: 6, resolveHours: 96 }, 'demo-admin')
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(cloud.store.count('routingRules', {})).toBe(0)

    const rule = await cloud.ok('tickets', 'setRule', { category: 'parking', leadParty: 'owners_committee', acceptHours: 6, resolveHours: 96 }, 'demo-admin')
    expect(rule).toMatchObject({ category: 'parking', leadParty: 'owners_committee', isDefault: false })
    const rules = await cloud.ok('tickets', 'rules', {}, 'demo-resident')
    expect(rules).toHaveLength(8)
    expect(rules.find((r: any) => r.category === 'parking')).toMatchObject({ leadParty: 'owners_committee', acceptHours: 6 })
    expect(rules.find((r: any) => r.category === 'drain')).toMatchObject({ leadParty: 'property_company', isDefault: true })

    const parking = await report('resident-3', { category: 'parking', description: '消防通道长期被私家车占用' })
    expect(parking).toMatchObject({ party: 'owners_committee', partyName: '锦绣花园业委会' })
    expect(Date.parse(parking.acceptBy) - Date.parse(parking.createdAt)).toBe(6 * HOUR)
    const committeeQueue = await cloud.ok('tickets', 'list', { scope: 'queue', leadOnly: true, page: 1, pageSize: 50 }, 'demo-committee')
    expect(committeeQueue.items.map((t: any) => t._id)).toEqual([parking._id])

    // a compound with a company but no owners' committee falls back to the 居委会
    const elsewhere = await report('resident-3', { category: 'parking', gridId: noCommittee._id, buildingId: undefined, description: '小区门口车辆乱停' })
    expect(elsewhere.party).toBe('residents_committee')
    await cloud.ok('tickets', 'setRule', { category: 'parking', leadParty: 'property_company', acceptHours: 24, resolveHours: 72 }, 'demo-admin')
  })
})

describe('lifecycle, permissions and ratings', () => {
  test('accept → update → resolve → the reporter confirms with 5 stars; every step kept with actor, time and note', async () => {
    const t = await report('demo-resident')
    expect((await call('tickets', 'transition', { ticketId: t._id, to: 'accepted' }, 'prop-co2')).error?.code).toBe('FORBIDDEN')
    expect((await call('tickets', 'transition', { ticketId: t._id, to: 'accepted' }, 'demo-committee')).error?.code).toBe('FORBIDDEN')
    expect((await call('tickets', 'transition', { ticketId: t._id, to: 'accepted' }, 'neighbour')).error?.code).toBe('FORBIDDEN')
    expect((await call('tickets', 'transition', { ticketId: t._id, to: 'accepted' }, 'demo-staff-2')).error?.code).toBe('FORBIDDEN')

    cloud.clock.advance(HOUR)
    const accepted = await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'accepted', note: '已安排维修师傅' }, 'demo-property')
    expect(accepted).toMatchObject({ status: 'accepted', lead: true })
    await cloud.ok('tickets', 'comment', { ticketId: t._id, text: '师傅已到场，正在疏通' }, 'demo-property')
    await cloud.ok('tickets', 'comment', { ticketId: t._id, text: '业委会已知悉，费用从维修基金列支', internal: true }, 'demo-committee')
    await cloud.ok('tickets', 'comment', { ticketId: t._id, text: '我家电话白天没人接，请打我儿子电话' }, 'demo-resident')
    expect((await call('tickets', 'comment', { ticketId: t._id, text: '我也觉得很臭' }, 'neighbour')).error?.code).toBe('FORBIDDEN')
    expect((await call('tickets', 'confirm', { ticketId: t._id, rating: 5 }, 'demo-resident')).error?.code).toBe('CONFLICT')

    cloud.clock.advance(2 * HOUR)
    const resolved = await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'resolved', note: '管道已疏通，路面已冲洗' }, 'demo-property')
    expect(resolved.status).toBe('resolved')
    expect(resolved.actions).toMatchObject({ resolve: false, accept: false })
    const mine = await cloud.ok('tickets', 'get', { ticketId: t._id }, 'demo-resident')
    expect(mine.actions).toMatchObject({ confirm: true, reopen: true })

    expect((await call('tickets', 'confirm', { ticketId: t._id, rating: 5 }, 'demo-property')).error?.code).toBe('FORBIDDEN')
    expect((await call('tickets', 'confirm', { ticketId: t._id, rating: 6 }, 'demo-resident')).error?.code).toBe('INVALID_INPUT')
    expect((await call('tickets', 'confirm', { ticketId: t._id, rating: 0 }, 'demo-resident')).error?.code).toBe('INVALID_INPUT')
    expect(cloud.store.get('tickets', t._id)).toMatchObject({ status: 'resolved', rating: null })

    const [a, b] = await Promise.all([
      call('tickets', 'confirm', { ticketId: t._id, rating: 5, comment: '处理很及时，谢谢' }, 'demo-resident'),
      call('tickets', 'confirm', { ticketId: t._id, rating: 1 }, 'demo-resident')
    ])
    expect([a.ok, b.ok].sort()).toEqual([false, true])
    const loser = a.ok ? b : a
    expect(loser.ok === false && loser.error.code).toBe('CONFLICT')
    const stored = cloud.store.get('tickets', t._id)!
    expect(stored).toMatchObject({ status: 'closed', closeReason: 'confirmed', ratedMonth: '2026-11' })
    expect([5, 1]).toContain(stored.rating)
    expect(cloud.store.count('ticketEvents', { ticketId: t._id, kind: 'confirmed' })).toBe(1)
    expect((await call('tickets', 'reopen', { ticketId: t._id, note: '又堵了' }, 'demo-resident')).error?.code).toBe('CONFLICT')
    expect((await call('tickets', 'comment', { ticketId: t._id, text: '补充' }, 'demo-resident')).error?.code).toBe('CONFLICT')

    const full = await cloud.ok('tickets', 'get', { ticketId: t._id }, 'demo-resident')
    expect(full.events.map((e: any) => e.kind)).toEqual(['created', 'accepted', 'comment', 'comment', 'comment', 'resolved', 'confirmed'])
    for (const e of full.events) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(full.events[1]).toMatchObject({ actor: 'property_company', actorName: '安居物业服务有限公司 · 孙经理', note: '已安排维修师傅', from: 'submitted', to: 'accepted' })
    // the ledger got exactly one entry for it
    expect(cloud.store.count('deeds', { _id: `ticket:${t._id}` })).toBe(1)
    expect(cloud.store.get('deeds', `ticket:${t._id}`)).toMatchObject({ figure: 'blockersSolved', doneBy: '安居物业服务有限公司' })
  })

  test('a comment’s text may also arrive as `note` or `comment`; a reopen’s note as `reason`', async () => {
    const t = await report('resident-3', { category: 'sanitation', description: '单元门口垃圾堆了三天' })
    await cloud.ok('tickets', 'comment', { ticketId: t._id, note: '今天下午清运' }, 'demo-property')
    await cloud.ok('tickets', 'comment', { ticketId: t._id, comment: '谢谢' }, 'resident-3')
    expect(cloud.store.find('ticketEvents', { ticketId: t._id, kind: 'comment' }).map((e: any) => e.note)).toEqual(['今天下午清运', '谢谢'])
    expect((await call('tickets', 'comment', { ticketId: t._id }, 'resident-3')).error).toMatchObject({ code: 'INVALID_INPUT', fields: ['text'] })
    await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'resolved', note: '已清运' }, 'demo-property')
    await cloud.ok('tickets', 'reopen', { ticketId: t._id, reason: '又堆起来了' }, 'resident-3')
    expect(cloud.store.findOne('ticketEvents', { ticketId: t._id, kind: 'reopened' })).toMatchObject({ note: '又堆起来了' })
  })

  test('two phones accept at once: one change, one CONFLICT', async () => {
    const t = await report('resident-2')
    cloud.store.insertMany('users', [user('prop-co1-b', ['property_staff'], { companyIds: ['co1'] }, { name: '吴主管' })])
    const replies = await Promise.all([
      call('tickets', 'transition', { ticketId: t._id, to: 'accepted' }, 'demo-property'),
      call('tickets', 'transition', { ticketId: t._id, to: 'accepted' }, 'prop-co1-b')
    ])
    expect(replies.filter((r) => r.ok)).toHaveLength(1)
    expect(replies.find((r) => !r.ok)).toMatchObject({ error: { code: 'CONFLICT' } })
    expect(cloud.store.count('ticketEvents', { ticketId: t._id, kind: 'accepted' })).toBe(1)
  })

  test('the public form: no name unless allowed, never a phone, no reporter notes or internal notes', async () => {
    // The reporter agreed to be called back (shareMobile): the parties get the masked number.
    const hidden = await report('resident-4', { description: '2号楼楼道堆满纸箱，存在消防隐患', category: 'stairwell', shareMobile: true })
    await cloud.ok('tickets', 'comment', { ticketId: hidden._id, text: '我住302，电话13900000014' }, 'resident-4')
    await cloud.ok('tickets', 'comment', { ticketId: hidden._id, text: '已通知保洁明早清理' }, 'demo-property')
    await cloud.ok('tickets', 'comment', { ticketId: hidden._id, text: '该户多次堆放，需上门沟通', internal: true }, 'demo-property')
    const shown = await report('resident-5', { description: '小区东门路灯不亮，晚上很黑', category: 'repair', showName: true })

    const seen = await cloud.ok('tickets', 'get', { ticketId: hidden._id }, 'neighbour')
    expect(seen).toMatchObject({ full: false, reporterName: '居民' })
    expect(seen.reporter).toBeUndefined()
    expect(JSON.stringify(seen)).not.toContain('13900000014')
    expect(JSON.stringify(seen)).not.toContain('周师傅')
    expect(JSON.stringify(seen)).not.toContain('孙经理')
    expect(seen.events.map((e: any) => e.note)).toEqual(['已分派：由安居物业服务有限公司牵头办理', '已通知保洁明早清理'])
    expect(seen.actions).toMatchObject({ accept: false, comment: false, confirm: false })

    const list = await cloud.ok('tickets', 'list', { scope: 'compound', page: 1, pageSize: 100 }, 'neighbour')
    const names = Object.fromEntries(list.items.map((t: any) => [t._id, t.reporterName]))
    expect(names[hidden._id]).toBe('居民')
    expect(names[shown._id]).toBe('吴奶奶')
    expect(JSON.stringify(list)).not.toMatch(/1390000001\d/)

    // the parties see the reporter and the masked number to call back (issue #16)
    const party = await cloud.ok('tickets', 'get', { ticketId: hidden._id }, 'demo-property')
    expect(party.reporter).toEqual({ name: '周师傅', mobile: '139****0014' })
    expect(party.events.filter((e: any) => e.internal)).toHaveLength(1)
  })

  test('a full reporter number only through the audited revealMobile, to the handling parties (issue #16)', async () => {
    const t = await report('resident-4', { description: '3号楼电梯按钮失灵', category: 'repair', shareMobile: true })
    // get and comment answer everyone with masked numbers at most
    const commented = await cloud.ok('tickets', 'comment', { ticketId: t._id, text: '已安排维修工明早查看' }, 'demo-property')
    expect(commented.reporter).toEqual({ name: '周师傅', mobile: '139****0014' })
    for (const who of ['demo-property', 'demo-committee', 'demo-staff', 'demo-admin', 'resident-4', 'neighbour']) {
      const seen = await cloud.ok('tickets', 'get', { ticketId: t._id }, who)
      expect(JSON.stringify(seen)).not.toContain('13900000014')
    }
    // the reporter has no need to see their own number back
    expect((await cloud.ok('tickets', 'get', { ticketId: t._id }, 'resident-4')).reporter).toEqual({ name: '周师傅' })

    const audits = () => cloud.store.count('auditLogs', { action: 'tickets.viewMobile', 'target.id': t._id })
    for (const who of ['neighbour', 'resident-4', 'demo-admin', 'demo-staff-2', 'prop-co2']) {
      expect((await call('tickets', 'revealMobile', { ticketId: t._id }, who)).error?.code).toBe('FORBIDDEN')
    }
    expect((await call('tickets', 'revealMobile', { ticketId: 'nope' }, 'demo-property')).error?.code).toBe('NOT_FOUND')
    expect((await call('tickets', 'revealMobile', {}, 'demo-property')).error?.code).toBe('INVALID_INPUT')
    expect(audits()).toBe(0)
    expect(await cloud.ok('tickets', 'revealMobile', { ticketId: t._id }, 'demo-property')).toEqual({ mobile: '13900000014' })
    expect(await cloud.ok('tickets', 'revealMobile', { ticketId: t._id }, 'demo-staff')).toEqual({ mobile: '13900000014' })
    expect(audits()).toBe(2)
    expect(cloud.store.findOne('auditLogs', { action: 'tickets.viewMobile', actor: 'demo-property', 'target.id': t._id })).toMatchObject({
      actorRoles: expect.arrayContaining(['property_staff']),
      target: { collection: 'tickets', id: t._id, label: '周师傅' },
      communityId: 'c1',
      detail: { whose: 'resident-4', reason: '承办方联系反映人' }
    })
  })

  test('hand over to another party with a reason; the new party accepts; reopen sends it back with a fresh deadline', async () => {
    const t = await report('demo-resident', { description: '邻居在楼道里养鸽子，气味很大', category: 'stairwell' })
    const noReason = await call('tickets', 'transition', { ticketId: t._id, to: 'handover', party: 'residents_committee' }, 'demo-property')
    expect(noReason).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['note'] } })
    expect((await call('tickets', 'transition', { ticketId: t._id, to: 'handover', party: 'property_company', note: '转' }, 'demo-property')).error?.code).toBe('INVALID_INPUT')
    cloud.clock.advance(2 * HOUR)
    const handed = await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'handover', party: 'residents_committee', note: '涉及邻里矛盾，需居委会上门调解' }, 'demo-property')
    expect(handed).toMatchObject({ party: 'residents_committee', status: 'submitted', lead: false })
    expect(Date.parse(handed.acceptBy)).toBe(cloud.clock.now() + 24 * HOUR)
    expect(handed.resolveBy).toBe(t.resolveBy)
    expect((await call('tickets', 'transition', { ticketId: t._id, to: 'accepted' }, 'demo-property')).error?.code).toBe('FORBIDDEN')
    await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'accepted', note: '明天上午上门' }, 'demo-staff')
    await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'resolved', note: '已调解，鸽笼移至楼顶' }, 'demo-staff')

    expect((await call('tickets', 'reopen', { ticketId: t._id }, 'neighbour')).error?.code).toBe('FORBIDDEN')
    cloud.clock.advance(DAY)
    const reopened = await cloud.ok('tickets', 'reopen', { ticketId: t._id, note: '鸽子又回来了' }, 'demo-resident')
    expect(reopened).toMatchObject({ status: 'accepted', party: 'residents_committee', reopenCount: 1 })
    expect(Date.parse(reopened.resolveBy)).toBe(cloud.clock.now() + 72 * HOUR)
    const stored = cloud.store.get('tickets', t._id)!
    expect(stored.firstResolvedAt).toBeTruthy()
    expect(stored.resolvedAt).toBeNull()
    expect(cloud.store.count('deeds', { _id: `ticket:${t._id}` })).toBe(0)
  })

  test('community staff close an invalid report with a reason; the reporter may withdraw; strangers may not', async () => {
    const t = await report('resident-2', { description: '测试一下这个功能好不好用', category: 'other' })
    expect((await call('tickets', 'transition', { ticketId: t._id, to: 'closed' }, 'demo-staff')).error?.code).toBe('INVALID_INPUT')
    expect((await call('tickets', 'transition', { ticketId: t._id, to: 'closed', note: '无效' }, 'demo-committee')).error?.code).toBe('FORBIDDEN')
    const closed = await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'closed', note: '非实际问题，已电话说明' }, 'demo-staff')
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'invalid' })
    const w = await report('resident-3', { description: '电梯按钮失灵，已经自己好了', category: 'repair' })
    expect(await cloud.ok('tickets', 'transition', { ticketId: w._id, to: 'closed' }, 'resident-3')).toMatchObject({ closeReason: 'withdrawn' })
    expect(cloud.store.count('deeds', { sourceId: { $in: [t._id, w._id] } })).toBe(0)
  })
})

describe('deadlines and escalation', () => {
  test('an unaccepted drain escalates once after 12 h, again once after 48 h; staff and the lead party are told', async () => {
    const t = await report('resident-4')
    await deliverMessages(cloud)
    const outboxBefore = cloud.store.count('outbox', { templateId: 'tpl-ticket-overdue' })
    cloud.clock.advance(11 * HOUR)
    expect((await cloud.ok('tickets', 'get', { ticketId: t._id }, 'resident-4')).overdue).toBeNull()
    cloud.clock.advance(2 * HOUR)
    // read lazily: overdue and escalated on the read itself
    const late = await cloud.ok('tickets', 'get', { ticketId: t._id }, 'resident-4')
    expect(late).toMatchObject({ overdue: 'accept', escalated: true })
    expect(late.events.at(-1)).toMatchObject({ kind: 'escalated', actor: 'system' })
    await deliverMessages(cloud)
    const sent = cloud.store.find('outbox', { templateId: 'tpl-ticket-overdue' }).slice(outboxBefore)
    expect(sent.map((m: any) => m.touser).sort()).toEqual(['demo-property', 'demo-staff', 'prop-co1-b'])
    expect(sent[0].summary).toContain('超时未受理')

    // parallel sweeps and reads: still one escalation for the stage
    await Promise.all([cloud.ok('tickets', 'sweep', {}, 'demo-staff'), cloud.ok('tickets', 'sweep', {}, 'demo-admin'), cloud.ok('tickets', 'get', { ticketId: t._id }, 'demo-staff')])
    expect(cloud.store.count('ticketEvents', { ticketId: t._id, kind: 'escalated' })).toBe(1)

    const queue = await cloud.ok('tickets', 'list', { scope: 'queue', status: 'overdue', page: 1, pageSize: 100 }, 'demo-staff')
    expect(queue.items.map((x: any) => x._id)).toContain(t._id)

    await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'accepted' }, 'demo-property')
    cloud.clock.advance(36 * HOUR)
    const res = await cloud.ok('tickets', 'sweep', {}, 'demo-staff')
    expect(res.escalated).toBeGreaterThanOrEqual(1)
    expect(cloud.store.count('ticketEvents', { ticketId: t._id, kind: 'escalated' })).toBe(2)
    const after = await cloud.ok('tickets', 'get', { ticketId: t._id }, 'demo-property')
    expect(after.overdue).toBe('resolve')
    await cloud.ok('tickets', 'sweep', {}, 'demo-staff')
    expect(cloud.store.count('ticketEvents', { ticketId: t._id, kind: 'escalated' })).toBe(2)
    // resolved late: the on-time flag says so
    await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'resolved' }, 'demo-property')
    expect(cloud.store.get('tickets', t._id)).toMatchObject({ resolvedOnTime: false })
  })

  test('a resolved ticket without an answer closes itself after 7 days, without a rating; residents may not sweep', async () => {
    const t = await report('resident-5', { description: '垃圾桶满了没人清运', category: 'sanitation' })
    await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'resolved', note: '已清运' }, 'demo-property')
    expect((await call('tickets', 'sweep', {}, 'demo-resident')).error?.code).toBe('FORBIDDEN')
    cloud.clock.advance(7 * DAY - 60 * 1000)
    await cloud.ok('tickets', 'sweep', {}, 'demo-staff')
    expect(cloud.store.get('tickets', t._id)).toMatchObject({ status: 'resolved' })
    cloud.clock.advance(2 * 60 * 1000)
    // the cloud's timer trigger: no user, a Timer event
    const timer = (await call('tickets', undefined, { Type: 'Timer', TriggerName: 'sweep', Time: new Date().toISOString() })) as any
    expect(timer.ok).toBe(true)
    expect(timer.data.autoClosed).toBeGreaterThanOrEqual(1)
    expect(cloud.store.get('tickets', t._id)).toMatchObject({ status: 'closed', closeReason: 'auto', rating: null })
    expect(cloud.store.get('deeds', `ticket:${t._id}`)).toMatchObject({ rating: null, figure: 'otherProblems' })
    expect((await call('tickets', 'confirm', { ticketId: t._id, rating: 5 }, 'resident-5')).error?.code).toBe('CONFLICT')
  })

  test('a list never writes: what is due shows as escalated or closed; the sweep or the detail read records it', async () => {
    const late = await report('resident-4', { description: '小区东门路灯不亮', category: 'repair' })
    const done = await report('resident-4', { description: '单元门口垃圾没人清运', category: 'sanitation' })
    await cloud.ok('tickets', 'transition', { ticketId: done._id, to: 'resolved', note: '已清运' }, 'demo-property')
    cloud.clock.advance(7 * DAY + 60 * 1000)
    const events = cloud.store.count('ticketEvents', {})
    const { reply, stats } = await cloud.callWithStats<any>('tickets', 'list', { scope: 'mine', page: 1, pageSize: 50 }, 'resident-4')
    expect(stats.dbRequests).toBe(3)
    const shown = new Map<string, any>((reply as any).data.items.map((x: any) => [x._id, x]))
    expect(shown.get(late._id)).toMatchObject({ escalated: true, overdue: 'resolve' })
    expect(shown.get(done._id)).toMatchObject({ status: 'closed', closeReason: 'auto' })
    expect(cloud.store.count('ticketEvents', {})).toBe(events)
    expect(cloud.store.get('tickets', done._id)).toMatchObject({ status: 'resolved' })
    // the detail read records both, as the list showed them
    expect(await cloud.ok('tickets', 'get', { ticketId: late._id }, 'resident-4')).toMatchObject({ escalated: true })
    expect(await cloud.ok('tickets', 'get', { ticketId: done._id }, 'resident-4')).toMatchObject({ status: 'closed', closeReason: 'auto' })
    expect(cloud.store.count('ticketEvents', { ticketId: late._id, kind: 'escalated' })).toBe(1)
    expect(cloud.store.get('tickets', done._id)).toMatchObject({ status: 'closed', closeReason: 'auto' })
  })
})

describe('photos, content check and the daily limit', () => {
  test('upload a photo (H5), attach it, see it; another person cannot reuse it', async () => {
    const photo = await cloud.ok('tickets', 'upload', { contentType: 'image/png', data: PNG_1PX }, 'resident-2')
    expect(photo.fileID).toMatch(/^local:\/\/uploads\/resident-2\//)
    const t = await report('resident-2', { photos: [photo.fileID], category: 'safety', description: '配电箱门坏了，电线裸露' })
    expect(t.photos).toEqual([{ fileID: photo.fileID, url: expect.stringContaining('/files/uploads/resident-2/') }])
    expect(t.cover.fileID).toBe(photo.fileID)
    const stolen = await call('tickets', 'create', { category: 'drain', description: '别人的照片我也来用一下', gridId: 'c1g1', photos: [photo.fileID] }, 'resident-3')
    expect(stolen).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['photos'] } })
    const seven = Array.from({ length: 7 }, () => photo.fileID)
    expect((await call('tickets', 'create', { category: 'drain', description: '七张照片太多了', gridId: 'c1g1', photos: seven }, 'resident-2')).error?.code).toBe('INVALID_INPUT')
  })

  test('uploads are checked: type, size, real image bytes', async () => {
    expect((await call('tickets', 'upload', { contentType: 'image/jpeg', data: PNG_1PX }, 'resident-2')).error?.code).toBe('INVALID_INPUT')
    const big = Buffer.alloc(1024 * 1024 + 10, 1)
    big.set([0xff, 0xd8, 0xff], 0)
    expect((await call('tickets', 'upload', { contentType: 'image/jpeg', data: big.toString('base64') }, 'resident-2')).error?.code).toBe('INVALID_INPUT')
    expect((await call('tickets', 'upload', { contentType: 'image/gif', data: PNG_1PX }, 'resident-2')).error?.code).toBe('INVALID_INPUT')
    expect((await call('tickets', 'upload', { contentType: 'image/png', data: PNG_1PX })).error?.code).toBe('UNAUTHENTICATED')
  })

  test('text that fails the content check, or bad input, stores nothing and costs no allowance', async () => {
    const before = cloud.store.count('tickets', {})
    // The day's allowance of reports: the rate limit's `perDay` bucket of the person.
    const allowance = (openid = 'limited') => ((cloud.store.get('rateLimits', `tickets.create:p:${openid}`)?.p_day as string[] | undefined) ?? []).length
    expect(allowance()).toBe(0)
    const blocked = await call('tickets', 'create', { category: 'other', description: '小区里有人组织赌博活动', gridId: 'c1g1' }, 'limited')
    expect(blocked).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['description'] } })
    for (const bad of [
      { category: 'weather', description: '今天天气不好啊啊', gridId: 'c1g1' },
      { category: 'drain', description: '短', gridId: 'c1g1' },
      { category: 'drain', description: '没有小区的反映内容', gridId: 'nowhere' },
      { category: 'drain', description: '楼栋不在这个小区里', gridId: 'c1g1', buildingId: 'c2g1b1' }
    ]) {
      const r = await call('tickets', 'create', bad, 'limited')
      expect(r.ok).toBe(false)
    }
    expect(cloud.store.count('tickets', {})).toBe(before)
    expect(allowance()).toBe(0)
    const comment = await call('tickets', 'comment', { ticketId: 'T000000XXXX', text: '办证刻章' }, 'limited')
    expect(comment.error?.code).toBe('NOT_FOUND')
    // A report that is made spends one unit of the day's allowance (the counter read above is the real one).
    expect((await call('tickets', 'create', { category: 'drain', description: '单元门口的下水道堵了', gridId: 'c1g1' }, 'limited-2')).ok).toBe(true)
    expect(allowance('limited-2')).toBe(1)
  })

  test('at most 5 reports per person per day, even when sent in parallel; the next day is fresh', async () => {
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call('tickets', 'create', { category: 'sanitation', description: `绿化带里有垃圾，第${i + 1}处`, gridId: 'c1g1' }, 'limited'))
    )
    expect(replies.filter((r) => r.ok)).toHaveLength(5)
    expect(replies.filter((r) => !r.ok).map((r: any) => r.error.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED'])
    expect(cloud.store.count('tickets', { reporterOpenid: 'limited' })).toBe(5)
    cloud.clock.advance(DAY)
    expect((await call('tickets', 'create', { category: 'sanitation', description: '第二天又发现垃圾堆放', gridId: 'c1g1' }, 'limited')).ok).toBe(true)
  })

  test('lists page, and a resident without a compound is asked for one', async () => {
    const p1 = await cloud.ok('tickets', 'list', { scope: 'mine', page: 1, pageSize: 2 }, 'limited')
    const p2 = await cloud.ok('tickets', 'list', { scope: 'mine', page: 2, pageSize: 2 }, 'limited')
    expect(p1.total).toBe(6)
    expect(p1.items).toHaveLength(2)
    expect(p2.items.map((t: any) => t._id)).not.toContain(p1.items[0]._id)
    expect((await call('tickets', 'list', { scope: 'compound', page: 1, pageSize: 10 }, 'nobody-yet')).error?.code).toBe('INVALID_INPUT')
    expect((await call('tickets', 'list', { scope: 'queue', page: 1, pageSize: 10 }, 'demo-resident')).error?.code).toBe('FORBIDDEN')
    expect((await call('tickets', 'list', { scope: 'queue', page: 1, pageSize: 101 }, 'demo-staff')).error?.code).toBe('INVALID_INPUT')
  })
})

describe('round trips (issue #15)', () => {
  /** Database round trips of one successful call (the shell's identity and rate-limit reads included). */
  async function trips(action: string, input: object, openid: string): Promise<{ data: any; n: number }> {
    const { reply, stats } = await cloud.callWithStats<any>('tickets', action, input, openid)
    if (!reply.ok) throw new Error(`tickets.${action} failed: ${reply.error.code}`)
    return { data: reply.data, n: stats.dbRequests }
  }

  test('the common actions read the ticket, its names and history at once, and change it with one guarded update', async () => {
    const created = await trips('create', { category: 'drain', description: '3号楼后面雨水井盖松动', gridId: 'c1g1', buildingId: 'c1g1b1' }, 'resident-4')
    // the caller with the place, its rule and the lead party's people 1 (identity 'withFirstRead'),
    // the rate limits with today's allowance: the person's document and the compound's, read with
    // the first read (each added when missing, else one guarded update for both) ≤ 2, the ticket
    // carrying its first history entry 1; their messages, however many people, 1 (queued)
    expect(created.n).toBeLessThanOrEqual(5)
    expect(cloud.store.count('ticketEvents', { ticketId: created.data._id })).toBe(0)
    expect(created.data.events).toEqual([expect.objectContaining({ _id: `${created.data._id}:0001`, kind: 'created', to: 'submitted', note: expect.stringContaining('已分派') })])
    const id = created.data._id
    // the caller comes with the ticket's read (identity 'withFirstRead')
    expect((await trips('get', { ticketId: id }, 'resident-4')).n).toBe(1)
    expect((await trips('list', { scope: 'mine', page: 1, pageSize: 10 }, 'resident-4')).n).toBe(3)
    // caller and ticket 1, guarded update 1, history entry 1, the reporter's message 1
    expect((await trips('transition', { ticketId: id, to: 'accepted' }, 'demo-property')).n).toBe(4)
    expect((await trips('transition', { ticketId: id, to: 'resolved', note: '井盖已更换' }, 'demo-property')).n).toBe(4)
    const confirmed = await trips('confirm', { ticketId: id, rating: 5 }, 'resident-4')
    // rate limit 1, caller and ticket 1, update 1, history entry 1, ledger entry 1
    expect(confirmed.n).toBeLessThanOrEqual(5)
    expect(confirmed.data.events.map((e: any) => e.kind)).toEqual(['created', 'accepted', 'resolved', 'confirmed'])
    // the history as stored (the first entry carried by the ticket) is what the detail shows
    expect(ticketHistory(cloud, id).map((e) => e._id)).toEqual(confirmed.data.events.map((e: any) => e._id))
    expect((await trips('get', { ticketId: id }, 'resident-4')).data.events).toEqual(confirmed.data.events)
    expect(cloud.store.count('deeds', { _id: `ticket:${id}` })).toBe(1)
  })
})
