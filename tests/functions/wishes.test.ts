/**
 * 微心愿: post → staff of the community review it (approve, or reject with a reason; nothing is
 * public before) → a member of the community claims (one only, even in parallel) → completes with the
 * time spent → the resident (or staff on their behalf) confirms; the member's minutes become a
 * verified service record; the 我为群众办实事 ledger and its figures.
 */
import { startTestCloud, type TestCloud } from '../support/cloud'
import { clearTicketDomain, wishHistory } from './tickets-support'

let cloud: TestCloud
/** Replies typed loosely, so a test reads `.error?.code` directly. */
const call = (fn: string, action: string | undefined, input?: object, openid?: string): Promise<any> => cloud.call(fn, action as string, input, openid)

function user(openid: string, roles: string[], scopes: Partial<Record<'communityIds' | 'companyIds' | 'gridIds', string[]>>, profile: Record<string, string> = {}) {
  return { _id: openid, openid, roles, scopes: { communityIds: [], companyIds: [], gridIds: [], ...scopes }, profile: { name: openid, ...profile } }
}

beforeAll(async () => {
  cloud = await startTestCloud()
  clearTicketDomain(cloud)
  cloud.store.insertMany('users', [
    user('member-2', ['member'], {}, { name: '刘志强', mobile: '13900000021', communityId: 'c1', gridId: 'c1g2' }),
    user('member-c2', ['member'], {}, { name: '黄海燕', communityId: 'c2', gridId: 'c2g1' }),
    user('elder', [], {}, { name: '马桂兰', mobile: '13900000031', communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b4' }),
    user('elder-2', [], {}, { name: '何素华', mobile: '13900000032', communityId: 'c1', gridId: 'c1g2' }),
    user('elder-3', [], {}, { name: '郭凤英', mobile: '13900000033', communityId: 'c1', gridId: 'c1g2' })
  ])
})
afterAll(async () => {
  await cloud.close()
})

/** A new wish, as its poster submitted it (待审核). */
const submit = (openid = 'elder', input: Record<string, unknown> = {}) =>
  cloud.ok('wishes', 'create', { category: 'shopping', title: '帮忙买一周的菜和药', description: '腿脚不便，下不了楼', ...input }, openid)

/** A new wish approved by the community's staff, as its poster sees it. */
const post = async (openid = 'elder', input: Record<string, unknown> = {}) => {
  const wish = await submit(openid, input)
  await cloud.ok('wishes', 'review', { wishId: wish._id, decision: 'approve' }, 'demo-staff')
  return cloud.ok('wishes', 'get', { wishId: wish._id }, openid)
}

const openIds = async (openid = 'demo-member') =>
  ((await cloud.ok('wishes', 'list', { scope: 'open', page: 1, pageSize: 100 }, openid)).items as any[]).map((w) => w._id)

test('post, claim, complete, confirm: the member’s minutes become verified service hours and the wish enters the ledger', async () => {
  // The poster agreed to be called (shareMobile): the claiming member gets the masked number.
  const wish = await post('elder', { shareMobile: true })
  expect(wish).toMatchObject({ status: 'open', communityId: 'c1', gridId: 'c1g1', buildingName: '4号楼', residentName: '马桂兰', mine: true })
  expect(wish.residentMobile).toBeUndefined()

  const open = await cloud.ok('wishes', 'list', { scope: 'open', page: 1, pageSize: 20 }, 'demo-member')
  const seen = open.items.find((w: any) => w._id === wish._id)
  expect(seen).toMatchObject({ residentName: '居民', actions: { claim: true } })
  expect(seen.residentMobile).toBeUndefined()

  expect((await call('wishes', 'claim', { wishId: wish._id }, 'demo-resident')).error?.code).toBe('FORBIDDEN')
  expect((await call('wishes', 'claim', { wishId: wish._id }, 'member-c2')).error?.code).toBe('FORBIDDEN')

  const [a, b] = await Promise.all([
    call('wishes', 'claim', { wishId: wish._id }, 'demo-member'),
    call('wishes', 'claim', { wishId: wish._id }, 'member-2')
  ])
  expect([a.ok, b.ok].sort()).toEqual([false, true])
  expect((a.ok ? b : a) as any).toMatchObject({ error: { code: 'CONFLICT' } })
  const claimer = a.ok ? 'demo-member' : 'member-2'
  const other = a.ok ? 'member-2' : 'demo-member'
  const mineNow = await cloud.ok('wishes', 'get', { wishId: wish._id }, claimer)
  // masked; the full number only through the audited revealMobile (issue #16)
  expect(mineNow).toMatchObject({ status: 'claimed', claimedByMe: true, residentName: '马桂兰', residentMobile: '139****0031' })
  // one message when the staff approved it, one when it was claimed
  expect(cloud.store.find('outbox', { touser: 'elder', templateId: 'tpl-wish-progress' }).map((m: any) => m.data.phrase2.value)).toEqual(['已发布', '已认领'])

  expect((await call('wishes', 'complete', { wishId: wish._id, minutes: 90 }, other)).error?.code).toBe('FORBIDDEN')
  expect((await call('wishes', 'complete', { wishId: wish._id, minutes: 5 }, claimer)).error?.code).toBe('INVALID_INPUT')
  expect((await call('wishes', 'complete', { wishId: wish._id, minutes: 481 }, claimer)).error?.code).toBe('INVALID_INPUT')
  expect((await call('wishes', 'confirm', { wishId: wish._id }, 'elder')).error?.code).toBe('CONFLICT')
  const done = await cloud.ok('wishes', 'complete', { wishId: wish._id, minutes: 90, note: '菜和药已送到家' }, claimer)
  expect(done).toMatchObject({ status: 'completed', minutes: 90 })

  expect((await call('wishes', 'confirm', { wishId: wish._id }, 'demo-resident')).error?.code).toBe('FORBIDDEN')
  expect((await call('wishes', 'confirm', { wishId: wish._id }, 'demo-staff-2')).error?.code).toBe('FORBIDDEN')
  const confirmed = await cloud.ok('wishes', 'confirm', { wishId: wish._id, rating: 5, comment: '谢谢党员同志' }, 'elder')
  expect(confirmed.status).toBe('confirmed')
  expect(confirmed.serviceRecordId).toBeTruthy()
  const record = cloud.store.get('serviceRecords', confirmed.serviceRecordId)!
  expect(record).toMatchObject({ source: 'wish', wishId: wish._id, openid: claimer, communityId: 'c1', minutes: 90, status: 'approved', verifiedBy: 'elder' })
  expect(cloud.store.get('deeds', `wish:${wish._id}`)).toMatchObject({ figure: 'practicalDeeds', minutes: 90, rating: 5 })
  expect((await call('wishes', 'confirm', { wishId: wish._id }, 'elder')).error?.code).toBe('CONFLICT')
  expect(cloud.store.count('serviceRecords', { wishId: wish._id })).toBe(1)
  // created, approved, claimed, completed, confirmed (the first and the last carried by the wish itself)
  expect(wishHistory(cloud, wish._id).map((e) => [e.seq, e.kind])).toEqual([[1, 'created'], [2, 'approved'], [3, 'claimed'], [4, 'completed'], [5, 'confirmed']])
  expect(wishHistory(cloud, wish._id).at(-1)).toMatchObject({ actorOpenid: 'elder', note: '谢谢党员同志' })
  expect(cloud.store.count('wishEvents', { wishId: wish._id })).toBe(2)
  expect(wishHistory(cloud, wish._id)[3]).toMatchObject({ kind: 'completed', actorOpenid: claimer, note: '菜和药已送到家' })
})

test('community staff confirm on behalf of an elderly resident; the poster may cancel; the member may release', async () => {
  const wish = await post('elder', { category: 'escort', title: '周三陪同去医院复查' })
  await cloud.ok('wishes', 'claim', { wishId: wish._id }, 'member-2')
  const released = await cloud.ok('wishes', 'release', { wishId: wish._id, note: '周三临时出差' }, 'member-2')
  expect(released).toMatchObject({ status: 'open' })
  expect(released.memberName).toBeUndefined()
  await cloud.ok('wishes', 'claim', { wishId: wish._id }, 'demo-member')
  await cloud.ok('wishes', 'complete', { wishId: wish._id, minutes: 180 }, 'demo-member')
  const byStaff = await cloud.ok('wishes', 'confirm', { wishId: wish._id }, 'demo-staff')
  expect(byStaff.status).toBe('confirmed')
  expect(cloud.store.get('serviceRecords', byStaff.serviceRecordId)).toMatchObject({ verifiedBy: 'demo-staff', minutes: 180 })
  // the whole history, in order, with the entries the wish carries (created, completed, confirmed)
  const staffName = (cloud.store.get('users', 'demo-staff') as any).profile.name
  expect(wishHistory(cloud, wish._id).map((e) => [e.seq, e.kind, e.actorOpenid])).toEqual([
    [1, 'created', 'elder'],
    [2, 'approved', 'demo-staff'],
    [3, 'claimed', 'member-2'],
    [4, 'released', 'member-2'],
    [5, 'claimed', 'demo-member'],
    [6, 'completed', 'demo-member'],
    [7, 'confirmed', 'demo-staff']
  ])
  expect(wishHistory(cloud, wish._id)[6]).toMatchObject({ actorName: staffName, note: '社区工作人员代为确认' })
  expect(cloud.store.get('wishes', wish._id)).toMatchObject({ seq: 7 })

  const other = await post('elder', { category: 'repair', title: '换一个厨房灯泡' })
  expect((await call('wishes', 'cancel', { wishId: other._id }, 'demo-resident')).error?.code).toBe('FORBIDDEN')
  expect(await cloud.ok('wishes', 'cancel', { wishId: other._id, note: '孩子回来换好了' }, 'elder')).toMatchObject({ status: 'cancelled' })
  expect((await call('wishes', 'claim', { wishId: other._id }, 'demo-member')).error?.code).toBe('CONFLICT')
})

test('a confirmed wish whose hours were not written (e.g. a failure after confirming) is completed by confirming again; reads never write', async () => {
  const wish = await post('elder-2', { category: 'repair', title: '修一下阳台晾衣架' })
  await cloud.ok('wishes', 'claim', { wishId: wish._id }, 'member-2')
  await cloud.ok('wishes', 'complete', { wishId: wish._id, minutes: 40 }, 'member-2')
  await cloud.ok('wishes', 'confirm', { wishId: wish._id }, 'elder-2')
  // as if the service record had not been written
  cloud.store.deleteMany('serviceRecords', { wishId: wish._id })
  cloud.store.updateOne('wishes', { _id: wish._id }, { $set: { serviceRecordId: null } })
  const seen = await cloud.ok('wishes', 'get', { wishId: wish._id }, 'demo-staff')
  expect(seen.actions.confirm).toBe(true)
  expect(cloud.store.count('serviceRecords', { wishId: wish._id })).toBe(0)
  expect((await call('wishes', 'confirm', { wishId: wish._id }, 'demo-resident')).error?.code).toBe('FORBIDDEN')
  const healed = await cloud.ok('wishes', 'confirm', { wishId: wish._id }, 'demo-staff')
  expect(healed.serviceRecordId).toBeTruthy()
  expect(cloud.store.count('serviceRecords', { wishId: wish._id, minutes: 40 })).toBe(1)
  expect(cloud.store.count('deeds', { sourceId: wish._id })).toBe(1)
  expect((await call('wishes', 'confirm', { wishId: wish._id }, 'demo-staff')).error?.code).toBe('CONFLICT')
})

test('at most 3 wishes a day, in parallel too; bad input and blocked words store nothing', async () => {
  const before = cloud.store.count('wishes', {})
  expect((await call('wishes', 'create', { category: 'shopping', title: '帮我买彩票去赌博' }, 'demo-resident')).error?.code).toBe('INVALID_INPUT')
  expect((await call('wishes', 'create', { category: 'flying', title: '想坐飞机' }, 'demo-resident')).error?.code).toBe('INVALID_INPUT')
  expect((await call('wishes', 'create', { category: 'other', title: '没有小区的人' }, 'stranger')).error?.code).toBe('INVALID_INPUT')
  expect(cloud.store.count('wishes', {})).toBe(before)
  const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => call('wishes', 'create', { category: 'companionship', title: `周末陪我聊聊天${i}` }, 'demo-resident')))
  expect(replies.filter((r) => r.ok)).toHaveLength(3)
  expect(replies.filter((r) => !r.ok).every((r: any) => r.error.code === 'RATE_LIMITED')).toBe(true)
})

test('lists: mine, claimed, the community’s (staff only); without a scope, members see the open ones', async () => {
  const byDefault = await cloud.ok('wishes', 'list', {}, 'demo-member')
  expect(byDefault.items.every((w: any) => w.status === 'open' && w.communityId === 'c1')).toBe(true)
  expect((await cloud.ok('wishes', 'list', {}, 'elder')).total).toBe(3)
  expect((await cloud.ok('wishes', 'list', { scope: 'mine', page: 1, pageSize: 10 }, 'elder')).total).toBe(3)
  expect((await cloud.ok('wishes', 'list', { scope: 'claimed', page: 1, pageSize: 10 }, 'demo-member')).total).toBeGreaterThanOrEqual(1)
  expect((await call('wishes', 'list', { scope: 'community', page: 1, pageSize: 10 }, 'demo-resident')).error?.code).toBe('FORBIDDEN')
  expect((await call('wishes', 'list', { scope: 'community', communityId: 'c1', page: 1, pageSize: 10 }, 'demo-staff-2')).error?.code).toBe('FORBIDDEN')
  const all = await cloud.ok('wishes', 'list', { scope: 'community', page: 1, pageSize: 100 }, 'demo-staff')
  expect(all.total).toBe(cloud.store.count('wishes', { communityId: 'c1' }))
  expect(all.items.every((w: any) => w.residentMobile !== undefined || w.residentName)).toBe(true)
})

test('the ledger: which record counts as which figure, by community and for the district', async () => {
  // in c1: a 堵点 two parties worked on, a drain the property company fixed alone, a settled dispute,
  // and a withdrawn report (not a deed)
  const joint = await cloud.ok('tickets', 'create', { category: 'parking', description: '消防通道长期被私家车占用', gridId: 'c1g1' }, 'demo-resident')
  await cloud.ok('tickets', 'transition', { ticketId: joint._id, to: 'accepted' }, 'demo-property')
  await cloud.ok('tickets', 'comment', { ticketId: joint._id, text: '业委会同意施划禁停线，费用从公共收益列支' }, 'demo-committee')
  await cloud.ok('tickets', 'transition', { ticketId: joint._id, to: 'resolved', note: '已施划禁停线并张贴告示' }, 'demo-property')
  await cloud.ok('tickets', 'confirm', { ticketId: joint._id, rating: 5 }, 'demo-resident')
  const alone = await cloud.ok('tickets', 'create', { category: 'drain', description: '下水道堵塞外溢', gridId: 'c1g1' }, 'demo-resident')
  await cloud.ok('tickets', 'transition', { ticketId: alone._id, to: 'resolved', note: '已疏通' }, 'demo-property')
  await cloud.ok('tickets', 'confirm', { ticketId: alone._id, rating: 4 }, 'demo-resident')
  const dispute = await cloud.ok('tickets', 'create', { category: 'dispute', description: '楼上漏水到我家，协商不成', gridId: 'c1g1' }, 'demo-resident')
  await cloud.ok('tickets', 'transition', { ticketId: dispute._id, to: 'resolved', note: '已调解，楼上负责维修' }, 'demo-staff')
  await cloud.ok('tickets', 'confirm', { ticketId: dispute._id, rating: 5 }, 'demo-resident')
  const withdrawn = await cloud.ok('tickets', 'create', { category: 'other', description: '问题已经自己解决了', gridId: 'c1g1' }, 'demo-resident')
  await cloud.ok('tickets', 'transition', { ticketId: withdrawn._id, to: 'closed' }, 'demo-resident')

  expect(cloud.store.get('tickets', joint._id)!.involvedParties.sort()).toEqual(['owners_committee', 'property_company'])
  expect(cloud.store.get('deeds', `ticket:${joint._id}`)).toMatchObject({ figure: 'blockersSolved' })
  expect(cloud.store.get('deeds', `ticket:${alone._id}`)).toMatchObject({ figure: 'otherProblems' })
  expect(cloud.store.get('deeds', `ticket:${dispute._id}`)).toMatchObject({ figure: 'disputesSettled' })

  const totals = await cloud.ok('wishes', 'deedTotals', {})
  // three confirmed wishes (previous tests), one 堵点 solved jointly, one dispute, one solved alone
  expect(totals.district).toEqual({ problemsSolved: 6, practicalDeeds: 3, blockersSolved: 1, disputesSettled: 1 })
  expect(totals.communities).toHaveLength(7)
  expect(totals.communities[0]).toEqual({ communityId: 'c1', communityName: '东风社区', problemsSolved: 6, practicalDeeds: 3, blockersSolved: 1, disputesSettled: 1 })
  expect(totals.communities[1]).toMatchObject({ communityId: 'c2', problemsSolved: 0 })
  expect(totals.wishMinutes).toBe(310)
  const c2 = await cloud.ok('wishes', 'deedTotals', { communityId: 'c2' })
  expect(c2.communities).toHaveLength(1)
  expect(c2.wishMinutes).toBe(0)

  expect((await call('wishes', 'deeds', { page: 1, pageSize: 10 })).error?.code).toBe('UNAUTHENTICATED')
  const ledger = await cloud.ok('wishes', 'deeds', { page: 1, pageSize: 10 }, 'demo-resident')
  expect(ledger.total).toBe(6)
  expect(ledger.items.map((d: any) => d.figure).sort()).toEqual(['blockersSolved', 'disputesSettled', 'otherProblems', 'practicalDeeds', 'practicalDeeds', 'practicalDeeds'])
  expect(JSON.stringify(ledger)).not.toContain('王秀兰')
  expect(JSON.stringify(ledger)).not.toContain('马桂兰')
})

describe('review before publication', () => {
  test('a new wish is 待审核 and not listed publicly; approving it publishes it and tells the poster', async () => {
    const totals = await cloud.ok('wishes', 'deedTotals', {})
    const wish = await submit('elder-3', { category: 'shopping', title: '帮忙取一下快递送上楼' })
    expect(wish).toMatchObject({ status: 'pending', mine: true, actions: { claim: false, review: false, cancel: true } })
    expect(await openIds()).not.toContain(wish._id)
    expect((await call('wishes', 'get', { wishId: wish._id }, 'demo-member')).error?.code).toBe('NOT_FOUND')
    expect((await call('wishes', 'get', { wishId: wish._id }, 'demo-resident')).error?.code).toBe('NOT_FOUND')
    expect((await call('wishes', 'claim', { wishId: wish._id }, 'demo-member')).ok).toBe(false)
    expect(cloud.store.get('wishes', wish._id)).toMatchObject({ status: 'pending', memberOpenid: null })

    // the staff's review list (paged, oldest first) holds it; another community's staff do not see it
    const queue = await cloud.ok('wishes', 'list', { scope: 'review', page: 1, pageSize: 50 }, 'demo-staff')
    expect(queue.items.map((w: any) => w._id)).toContain(wish._id)
    expect(queue.items.every((w: any) => w.status === 'pending' && w.communityId === 'c1' && w.actions.review)).toBe(true)
    const other = await cloud.ok('wishes', 'list', { scope: 'review', page: 1, pageSize: 50 }, 'demo-staff-2')
    expect(other.items.map((w: any) => w._id)).not.toContain(wish._id)
    expect((await call('wishes', 'list', { scope: 'review', page: 1, pageSize: 50 }, 'demo-member')).error?.code).toBe('FORBIDDEN')

    const approved = await cloud.ok('wishes', 'review', { wishId: wish._id, decision: 'approve' }, 'demo-staff')
    expect(approved).toMatchObject({ status: 'open', actions: { review: false } })
    expect(await openIds()).toContain(wish._id)
    expect(cloud.store.get('wishes', wish._id)).toMatchObject({ status: 'open', reviewedBy: 'demo-staff', rejectReason: null })
    expect(cloud.store.find('outbox', { touser: 'elder-3', templateId: 'tpl-wish-progress' }).some((m: any) => m.summary.includes('已发布'))).toBe(true)
    expect(wishHistory(cloud, wish._id).map((e) => e.kind)).toEqual(['created', 'approved'])
    expect((await call('wishes', 'review', { wishId: wish._id, decision: 'approve' }, 'demo-staff')).error?.code).toBe('CONFLICT')
    // nothing counts before it is done and confirmed
    expect(await cloud.ok('wishes', 'deedTotals', {})).toEqual(totals)
  })

  test('only staff of the wish’s community (or a district admin) review; a rejection needs a reason, which the poster sees', async () => {
    const wish = await submit('elder-3', { category: 'other', title: '帮我在群里转发一下卖房信息' })
    const events = cloud.store.count('wishEvents', { wishId: wish._id })
    expect((await call('wishes', 'review', { wishId: wish._id, decision: 'approve' }, 'demo-staff-2')).error?.code).toBe('FORBIDDEN')
    expect((await call('wishes', 'review', { wishId: wish._id, decision: 'reject', reason: '与微心愿无关' }, 'demo-staff-2')).error?.code).toBe('FORBIDDEN')
    expect((await call('wishes', 'review', { wishId: wish._id, decision: 'approve' }, 'demo-member')).error?.code).toBe('FORBIDDEN')
    expect((await call('wishes', 'review', { wishId: wish._id, decision: 'approve' }, 'elder-3')).error?.code).toBe('FORBIDDEN')

    const noReason = await call('wishes', 'review', { wishId: wish._id, decision: 'reject' }, 'demo-staff')
    expect(noReason.error).toMatchObject({ code: 'INVALID_INPUT', fields: ['reason'] })
    expect(noReason.error.message).toMatch(/原因/)
    expect((await call('wishes', 'review', { wishId: wish._id, decision: 'reject', reason: '   ' }, 'demo-staff')).error?.code).toBe('INVALID_INPUT')
    expect(cloud.store.get('wishes', wish._id)).toMatchObject({ status: 'pending', reviewedAt: null })
    expect(cloud.store.count('wishEvents', { wishId: wish._id })).toBe(events)

    const rejected = await cloud.ok('wishes', 'review', { wishId: wish._id, decision: 'reject', reason: '房屋买卖信息请通过正规渠道发布' }, 'demo-admin')
    expect(rejected).toMatchObject({ status: 'rejected', rejectReason: '房屋买卖信息请通过正规渠道发布' })
    const mine = await cloud.ok('wishes', 'list', { scope: 'mine', page: 1, pageSize: 50 }, 'elder-3')
    expect(mine.items.find((w: any) => w._id === wish._id)).toMatchObject({ status: 'rejected', rejectReason: '房屋买卖信息请通过正规渠道发布' })
    expect(cloud.store.find('outbox', { touser: 'elder-3', templateId: 'tpl-wish-progress' }).some((m: any) => m.summary.includes('房屋买卖信息请通过正规渠道发布'))).toBe(true)
    expect(await openIds()).not.toContain(wish._id)
    expect((await call('wishes', 'get', { wishId: wish._id }, 'demo-member')).error?.code).toBe('NOT_FOUND')
    expect((await call('wishes', 'review', { wishId: wish._id, decision: 'approve' }, 'demo-staff')).error?.code).toBe('CONFLICT')

    // the poster may withdraw a wish still waiting for review
    const waiting = await submit('elder-3', { category: 'repair', title: '帮忙换一下门锁电池' })
    expect(await cloud.ok('wishes', 'cancel', { wishId: waiting._id }, 'elder-3')).toMatchObject({ status: 'cancelled' })
    expect((await call('wishes', 'review', { wishId: waiting._id, decision: 'approve' }, 'demo-staff')).error?.code).toBe('CONFLICT')
    expect((await call('wishes', 'get', { wishId: waiting._id }, 'demo-member')).error?.code).toBe('NOT_FOUND')
  })
})

test('the poster’s full number: only to the claiming member and community staff, through the audited revealMobile (issue #16)', async () => {
  const wish = await post('elder-2', { title: '帮忙修一下收音机', shareMobile: true })
  const audits = () => cloud.store.count('auditLogs', { action: 'wishes.viewMobile', 'target.id': wish._id })
  // Open: nobody but staff may call yet; staff see the masked number, members nothing.
  expect((await cloud.ok('wishes', 'get', { wishId: wish._id }, 'demo-staff')).residentMobile).toBe('139****0032')
  expect((await cloud.ok('wishes', 'get', { wishId: wish._id }, 'member-2')).residentMobile).toBeUndefined()
  expect((await call('wishes', 'revealMobile', { wishId: wish._id }, 'member-2')).error?.code).toBe('FORBIDDEN')

  await cloud.ok('wishes', 'claim', { wishId: wish._id }, 'member-2')
  for (const who of ['member-2', 'demo-staff', 'demo-admin', 'elder-2', 'demo-member']) {
    expect(JSON.stringify(await cloud.ok('wishes', 'get', { wishId: wish._id }, who))).not.toContain('13900000032')
  }
  for (const who of ['demo-member', 'demo-resident', 'demo-staff-2', 'elder']) {
    expect((await call('wishes', 'revealMobile', { wishId: wish._id }, who)).error?.code).toBe('FORBIDDEN')
  }
  expect((await call('wishes', 'revealMobile', { wishId: 'W000000XXXX' }, 'member-2')).error?.code).toBe('NOT_FOUND')
  expect((await call('wishes', 'revealMobile', { wishId: '' }, 'member-2')).error?.code).toBe('INVALID_INPUT')
  expect(audits()).toBe(0)

  expect(await cloud.ok('wishes', 'revealMobile', { wishId: wish._id }, 'member-2')).toEqual({ mobile: '13900000032' })
  expect(cloud.store.findOne('auditLogs', { action: 'wishes.viewMobile', actor: 'member-2', 'target.id': wish._id })).toMatchObject({
    target: { collection: 'wishes', id: wish._id, label: '何素华' },
    communityId: 'c1',
    detail: { whose: 'elder-2', reason: '认领党员联系居民' }
  })
  expect(await cloud.ok('wishes', 'revealMobile', { wishId: wish._id }, 'demo-staff')).toEqual({ mobile: '13900000032' })
  expect(audits()).toBe(2)

  // Once cancelled, the member who claimed it has no more reason to call.
  await cloud.ok('wishes', 'cancel', { wishId: wish._id, note: '已自行修好' }, 'elder-2')
  expect((await cloud.ok('wishes', 'get', { wishId: wish._id }, 'member-2')).residentMobile).toBeUndefined()
  expect((await call('wishes', 'revealMobile', { wishId: wish._id }, 'member-2')).error?.code).toBe('FORBIDDEN')
  expect(audits()).toBe(2)
})

test('round trips (issue #15): one read with the names, one guarded update, one history entry', async () => {
  const trips = async (action: string, input: object, openid: string) => {
    const { reply, stats } = await cloud.callWithStats<any>('wishes', action, input, openid)
    if (!reply.ok) throw new Error(`wishes.${action} failed: ${reply.error.code}`)
    return { data: reply.data, n: stats.dbRequests }
  }
  cloud.store.insertMany('users', [user('elder-4', [], {}, { name: '冯秀英', communityId: 'c1', gridId: 'c1g2' })])
  const created = await trips('create', { category: 'shopping', title: '帮忙取一下快递', description: '快递柜在小区门口' }, 'elder-4')
  // the caller with her compound (through her profile) 1 (identity 'withFirstRead'), the rate limits
  // with today's allowance: her document and her compound's (each added when missing, else one
  // guarded update for both) ≤ 2, the wish 1 (its own first history entry)
  expect(created.n).toBeLessThanOrEqual(4)
  const id = created.data._id
  // the caller with the wish's read 1 (identity 'withFirstRead'), guarded update 1, history entry 1, the poster's message 1
  expect((await trips('review', { wishId: id, decision: 'approve' }, 'demo-staff')).n).toBe(4)
  expect((await trips('get', { wishId: id }, 'elder-4')).n).toBe(1)
  expect((await trips('list', { scope: 'mine', page: 1, pageSize: 10 }, 'elder-4')).n).toBe(3)
  expect((await trips('claim', { wishId: id }, 'member-2')).n).toBeLessThanOrEqual(5)
  // the caller with the wish 1, guarded update carrying the history entry 1, the poster's message 1
  expect((await trips('complete', { wishId: id, minutes: 30 }, 'member-2')).n).toBe(3)
  // member-2 has a volunteer number by now (an earlier wish); the check rides on the wish's read
  expect(cloud.store.get('volunteers', 'member-2')).toBeTruthy()
  const confirmed = await trips('confirm', { wishId: id, rating: 5 }, 'elder-4')
  // rate limit 1 (+1 for a new counter), the caller with the wish and the member's volunteer entry 1,
  // service record 1, guarded update with the record's id and the history entry 1, ledger entry 1, message 1
  expect(confirmed.n).toBeLessThanOrEqual(6)
  expect(confirmed.data).toMatchObject({ status: 'confirmed', serviceRecordId: expect.any(String) })
  expect(cloud.store.get('wishes', id)).toMatchObject({ serviceRecordId: confirmed.data.serviceRecordId })
  // the names come from what the call knows, as a read of the accounts would give them
  expect(cloud.store.get('serviceRecords', confirmed.data.serviceRecordId)).toMatchObject({ openid: 'member-2', name: '刘志强', verifiedBy: 'elder-4', verifiedByName: '冯秀英', minutes: 30 })
})

test('a first-time member’s volunteer number: given when they complete (≤ 5 round trips), not at the claim (5); the next number, once', async () => {
  const trips = async (action: string, input: object, openid: string) => {
    const { reply, stats } = await cloud.callWithStats<any>('wishes', action, input, openid)
    if (!reply.ok) throw new Error(`wishes.${action} failed: ${reply.error.code}`)
    return stats.dbRequests
  }
  cloud.store.insertMany('users', [
    user('member-new', ['member'], {}, { name: '周建国', communityId: 'c1', gridId: 'c1g1' }),
    user('elder-5', [], {}, { name: '陈玉兰', mobile: '13900000035', communityId: 'c1', gridId: 'c1g2' })
  ])
  const highest = () => Math.max(0, ...cloud.store.find('volunteers', {}).map((v) => Number(String(v.volunteerNo).replace(/\D/g, ''))))
  const before = highest()
  const wish = await post('elder-5')
  expect(await trips('claim', { wishId: wish._id }, 'member-new')).toBeLessThanOrEqual(5)
  expect(cloud.store.get('volunteers', 'member-new')).toBeFalsy()
  expect(await trips('complete', { wishId: wish._id, minutes: 45 }, 'member-new')).toBeLessThanOrEqual(5)
  expect(Number(String(cloud.store.get('volunteers', 'member-new')?.volunteerNo).replace(/\D/g, ''))).toBe(before + 1)
  // the number is there: the resident's confirmation claims none on top
  expect(await trips('confirm', { wishId: wish._id, rating: 5 }, 'elder-5')).toBeLessThanOrEqual(6)
  expect(highest()).toBe(before + 1)
  expect(cloud.store.find('serviceRecords', { openid: 'member-new' })).toHaveLength(1)
})
