/**
 * 个人信息访问记录 (issue #16): `users.auditLogs` reads what the audited paths wrote. The entries
 * are made by real calls (members.revealMobile, tickets.revealMobile, members.export,
 * reports.workReport); the reads go through the function shell — the deployed `users` function
 * once the action is wired into its router, until then the same shell built here around the
 * router plus the action (same contract, same access).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { auditContract, auditActionsOfKind, AUDIT_ACTIONS, auditLogsOutput } from '../../contracts/audit'
import type { Reply } from '../../contracts/reply'
import { newCallContext, runWithCall, runWithStore } from '../../emulator/backend/install'
import { DEFAULT_APPID } from '../../emulator/host'
import { runWithIdentity } from '../../emulator/identity'
import { z } from '../../contracts/zod'
import { action, defineFunction } from '../../server/core/function'
import { RATE_LIMITS } from '../../server/core/rateLimits'
import { usersActions } from '../../server/users'
import { auditLogs } from '../../server/users/auditLogs'
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const wired = Object.prototype.hasOwnProperty.call(usersActions, 'auditLogs')
// Rate-limit rows of users actions still being wired elsewhere: the shell insists each names an action.
const pending = Object.keys(RATE_LIMITS)
  .filter((key) => key.startsWith('users.') && !Object.prototype.hasOwnProperty.call(usersActions, key.slice(6)))
  .map((key) => [key.slice(6), action({ input: z.object({}), access: 'signedIn', handler: async () => null })])
const localUsers = defineFunction('users', {
  ...Object.fromEntries(pending),
  ...usersActions,
  auditLogs: action({ input: auditContract.auditLogs.input, access: ['staff', 'district_admin'], handler: (input, { caller }) => auditLogs(caller, input) })
})

/** users.auditLogs as `openid`: the reply and its database round trips. */
async function read(input: object, openid?: string): Promise<{ reply: Reply<any>; dbRequests: number }> {
  if (wired) {
    const { reply, stats } = await cloud.callWithStats('users', 'auditLogs', input, openid)
    return { reply, dbRequests: stats.dbRequests }
  }
  const call = newCallContext()
  const event = { action: 'auditLogs', ...input, ...(openid ? { userInfo: { appId: DEFAULT_APPID, openId: openid } } : {}) }
  const reply = await runWithStore(cloud.store, () =>
    runWithCall(call, () => runWithIdentity({ openid, appid: DEFAULT_APPID, source: openid ? 'wx_client' : undefined }, () => localUsers(event)))
  )
  return { reply, dbRequests: call.dbRequests }
}

async function ok(input: object, openid: string) {
  const { reply } = await read(input, openid)
  if (!reply.ok) throw new Error(`auditLogs failed: ${reply.error.code} ${reply.error.message}`)
  return auditLogsOutput.parse(reply.data)
}
const codeOf = async (input: object, openid?: string) => {
  const { reply } = await read(input, openid)
  return reply.ok ? 'OK' : reply.error.code
}

const DAY = 24 * 60 * 60 * 1000
const at = (day: string) => new Date(`${day}T00:00:00+08:00`)
let c1Ticket: { _id: string; reporterOpenid: string; reporterName: string }
let c2Registration: string

beforeAll(async () => {
  // 2026-11-27: staff of both communities each see a member's number; staff call back a reporter.
  await cloud.ok('members', 'revealMobile', { registrationId: 'seedreg7' }, 'demo-staff')
  cloud.clock.advance(60_000)
  c2Registration = cloud.store.findOne<{ _id: string }>('registrations', { communityId: 'c2' })!._id
  await cloud.ok('members', 'revealMobile', { registrationId: c2Registration }, 'demo-staff-2')
  cloud.clock.advance(60_000)
  const tickets = cloud.store.find<{ _id: string; reporterOpenid: string; reporterName: string; reporterMobile?: string }>('tickets', { communityId: 'c1' })
  const reachable = []
  for (const t of tickets.filter((t) => t.reporterMobile)) {
    const reply = await cloud.call('tickets', 'revealMobile', { ticketId: t._id }, 'demo-staff')
    if (reply.ok) {
      reachable.push(t)
      break
    }
  }
  expect(reachable).toHaveLength(1)
  c1Ticket = reachable[0]
  // 2026-11-28: an export of 东风社区, the district's work report, the admin sees a number.
  cloud.clock.advance(DAY)
  await cloud.ok('members', 'export', { communityId: 'c1' }, 'demo-staff')
  await cloud.ok('reports', 'workReport', { from: '2026-11-01', to: '2026-11-27' }, 'demo-admin')
  await cloud.ok('members', 'revealMobile', { registrationId: 'seedreg7' }, 'demo-admin')
  // 2026-11-29: the same number three more times (for paging).
  cloud.clock.advance(DAY)
  for (let i = 0; i < 3; i++) {
    await cloud.ok('members', 'revealMobile', { registrationId: 'seedreg7' }, 'demo-staff')
    cloud.clock.advance(60_000)
  }
  expect(cloud.store.count('auditLogs')).toBe(9)
})

describe('users.auditLogs: who may read which entries', () => {
  it('the district admin reads every entry, newest first, in Chinese', async () => {
    const { reply, dbRequests } = await read({ pageSize: 100 }, 'demo-admin')
    if (!reply.ok) throw new Error(reply.error.message)
    const page = auditLogsOutput.parse(reply.data)
    expect(page.total).toBe(cloud.store.count('auditLogs'))
    expect(page.items).toHaveLength(9)
    const times = page.items.map((e) => Date.parse(e.at))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    // the caller, then the count, the page and the community names in one combined read
    expect(dbRequests).toBeLessThanOrEqual(2)

    const report = page.items.find((e) => e.action === 'reports.workReport')!
    expect(report).toMatchObject({ actor: 'demo-admin', actorName: '陈主任', actorRoleLabel: '区级管理员', actionLabel: '导出工作报告', kind: 'export' })
    expect(report.communityId).toBeUndefined()
    expect(report.note).toContain('统计期 2026-11-01 至 2026-11-27')

    const viewed = page.items.filter((e) => e.action === 'members.viewMobile' && e.actor === 'demo-staff')
    expect(viewed).toHaveLength(4)
    expect(viewed[0]).toMatchObject({
      actorName: '张敏',
      actorRoleLabel: '社区工作者',
      actionLabel: '查看报到党员手机号',
      kind: 'mobile',
      communityId: 'c1',
      communityName: '东风社区',
      target: { collection: 'registrations', id: 'seedreg7' },
      targetKindLabel: '报到记录'
    })

    const ticket = page.items.find((e) => e.action === 'tickets.viewMobile')!
    expect(ticket).toMatchObject({
      actor: 'demo-staff',
      target: { collection: 'tickets', id: c1Ticket._id, label: c1Ticket.reporterName },
      whose: c1Ticket.reporterOpenid,
      reason: '承办方联系反映人',
      communityName: '东风社区'
    })
    const exported = page.items.find((e) => e.action === 'members.export')!
    expect(exported.note).toMatch(/^共\d+条$/)
    // no full number anywhere in what the page shows
    expect(JSON.stringify(page)).not.toMatch(/(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/)
  })

  it('staff read only the entries of their own community', async () => {
    const c1 = await ok({ pageSize: 100 }, 'demo-staff')
    expect(c1.total).toBe(cloud.store.count('auditLogs', { communityId: { $in: ['c1'] } }))
    expect(c1.total).toBe(7)
    expect(c1.items.every((e) => e.communityId === 'c1')).toBe(true)
    // the admin's look at a c1 number is c1's business too; the district's report is not
    expect(c1.items.some((e) => e.actor === 'demo-admin' && e.action === 'members.viewMobile')).toBe(true)
    expect(c1.items.some((e) => e.action === 'reports.workReport')).toBe(false)

    const c2 = await ok({ pageSize: 100 }, 'demo-staff-2')
    expect(c2.total).toBe(cloud.store.count('auditLogs', { communityId: 'c2' }))
    expect(c2.items.map((e) => e.target.id)).toEqual([c2Registration])
    expect(c2.items[0]).toMatchObject({ actor: 'demo-staff-2', actorName: '赵磊', communityName: '红旗社区' })

    expect((await ok({ communityId: 'c1' }, 'demo-staff')).total).toBe(7)
  })

  it('staff filtering on another community are refused; people without the role read nothing', async () => {
    expect(await codeOf({ communityId: 'c2' }, 'demo-staff')).toBe('FORBIDDEN')
    expect(await codeOf({ communityId: 'c1' }, 'demo-staff-2')).toBe('FORBIDDEN')
    for (const openid of ['demo-resident', 'demo-member', 'demo-property', 'demo-committee', 'someone-new'])
      expect(await codeOf({}, openid)).toBe('FORBIDDEN')
    expect(await codeOf({})).toBe('UNAUTHENTICATED')
    // …and the handler itself refuses, whatever the router's access list says
    const resident = { openid: 'demo-resident', roles: ['resident' as const], scopes: { communityIds: ['c1'], companyIds: [], gridIds: [] }, user: null }
    await expect(runWithStore(cloud.store, () => auditLogs(resident, { page: 1, pageSize: 20 }))).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })
})

describe('users.auditLogs: filters and paging', () => {
  it('filters by action, kind, actor, record, person and day, as the store counts them', async () => {
    const byAction = await ok({ auditAction: 'members.export', pageSize: 100 }, 'demo-admin')
    expect(byAction.total).toBe(cloud.store.count('auditLogs', { action: 'members.export' }))
    expect(byAction.total).toBe(1)

    const mobile = await ok({ kind: 'mobile', pageSize: 100 }, 'demo-admin')
    expect(mobile.total).toBe(cloud.store.count('auditLogs', { action: { $in: auditActionsOfKind('mobile') } }))
    expect(mobile.total).toBe(7)
    expect(mobile.items.every((e) => e.kind === 'mobile')).toBe(true)

    const exportsC1 = await ok({ kind: 'export' }, 'demo-staff')
    expect(exportsC1.items.map((e) => e.action)).toEqual(['members.export'])

    const admin = await ok({ actor: 'demo-admin', pageSize: 100 }, 'demo-admin')
    expect(admin.total).toBe(cloud.store.count('auditLogs', { actor: 'demo-admin' }))
    expect(admin.total).toBe(2)

    const record = await ok({ targetId: 'seedreg7', pageSize: 100 }, 'demo-admin')
    expect(record.total).toBe(cloud.store.count('auditLogs', { 'target.id': 'seedreg7' }))
    expect(record.total).toBe(5)

    const whose = await ok({ whose: c1Ticket.reporterOpenid }, 'demo-staff')
    expect(whose.items.map((e) => e.target.id)).toEqual([c1Ticket._id])

    // one box for a person: who acted, or whose record it was
    const zhang = await ok({ person: '张敏', pageSize: 100 }, 'demo-admin')
    expect(zhang.total).toBe(cloud.store.count('auditLogs', { $or: [{ actorName: '张敏' }, { 'target.label': '张敏' }] }))
    expect(zhang.items.every((e) => e.actorName === '张敏' || e.target.label === '张敏')).toBe(true)
    const reporter = await ok({ person: c1Ticket.reporterName }, 'demo-staff')
    expect(reporter.items.some((e) => e.target.id === c1Ticket._id)).toBe(true)

    // days are Shanghai days, both ends included
    const day28 = await ok({ from: '2026-11-28', to: '2026-11-28', pageSize: 100 }, 'demo-admin')
    expect(day28.total).toBe(cloud.store.count('auditLogs', { at: { $gte: at('2026-11-28'), $lt: at('2026-11-29') } }))
    expect(day28.items.map((e) => e.action).sort()).toEqual(['members.export', 'members.viewMobile', 'reports.workReport'])
    const since28 = await ok({ from: '2026-11-28', pageSize: 100 }, 'demo-staff')
    expect(since28.total).toBe(cloud.store.count('auditLogs', { communityId: 'c1', at: { $gte: at('2026-11-28') } }))
    expect(since28.total).toBe(5)
    const until27 = await ok({ to: '2026-11-27', auditAction: 'members.viewMobile' }, 'demo-admin')
    expect(until27.total).toBe(2)

    // filters combine
    const combined = await ok({ actor: 'demo-staff', auditAction: 'members.viewMobile', from: '2026-11-29', to: '2026-11-29' }, 'demo-staff')
    expect(combined.total).toBe(3)
  })

  it('refuses a reversed range, an unknown action and an action outside the chosen kind', async () => {
    expect(await codeOf({ from: '2026-11-29', to: '2026-11-28' }, 'demo-admin')).toBe('INVALID_INPUT')
    expect(await codeOf({ auditAction: 'members.delete' }, 'demo-admin')).toBe('INVALID_INPUT')
    expect(await codeOf({ auditAction: 'members.export', kind: 'mobile' }, 'demo-admin')).toBe('INVALID_INPUT')
    expect(await codeOf({ from: '2026-02-30' }, 'demo-admin')).toBe('INVALID_INPUT')
  })

  it('pages through every entry exactly once, newest first', async () => {
    const seen: string[] = []
    let total = -1
    for (let page = 1; page <= 5; page++) {
      const p = await ok({ page, pageSize: 2 }, 'demo-admin')
      total = p.total
      expect(p.items.length).toBe(Math.max(0, Math.min(2, p.total - (page - 1) * 2)))
      seen.push(...p.items.map((e) => e._id))
    }
    expect(total).toBe(9)
    expect(new Set(seen).size).toBe(9)
    const all = await ok({ pageSize: 100 }, 'demo-admin')
    expect(seen).toEqual(all.items.map((e) => e._id))
    // staff: their 7 in pages of 3
    const staffPages = await Promise.all([1, 2, 3].map((page) => ok({ page, pageSize: 3 }, 'demo-staff')))
    expect(staffPages.map((p) => p.items.length)).toEqual([3, 3, 1])
    expect(staffPages[2].items[0].action).toBe('members.viewMobile')
  })

  it('knows (and labels) every action the server audits', () => {
    const found = new Set<string>()
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (name.endsWith('.ts')) {
          const source = readFileSync(path, 'utf8')
          if (!/core\/(audit|reveal)'|from '\.\/audit'/.test(source)) continue
          for (const m of source.matchAll(/action: '([a-z]+\.[A-Za-z]+)'/g)) found.add(m[1])
        }
      }
    }
    walk(join(__dirname, '../../server'))
    expect(found.size).toBeGreaterThan(10)
    for (const action of found) expect(AUDIT_ACTIONS).toContain(action)
    for (const action of ['users.exportMyData', 'users.deleteAccount']) expect(AUDIT_ACTIONS).toContain(action)
  })
})
