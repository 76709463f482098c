import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import type { RegisterInput } from '../../contracts/members'
import { sceneFrom } from '../../src/features/register/scene'
import { startTestCloud, type TestCloud } from '../support/cloud'

/*
 * 在职党员报到 through the emulator: the real SDK, the seeded district (4,403 registrations at
 * scale 1), the local platform (QR PNGs, files, outbox).
 */

let cloud: TestCloud
let sceneC1: string
let sceneC2: string

beforeAll(async () => {
  cloud = await startTestCloud()
  sceneC1 = (await cloud.ok('qrcodes', 'community', { communityId: 'c1' }, 'demo-staff')).scene
  sceneC2 = (await cloud.ok('qrcodes', 'community', { communityId: 'c2' }, 'demo-staff-2')).scene
})
afterAll(async () => {
  await cloud?.close()
})

let counter = 0
/** A fresh person: an openid nobody has used, and a unique valid mobile. */
function person() {
  counter++
  return { openid: `t-member-${counter}`, mobile: `136${String(counter).padStart(8, '0')}` }
}

function form(scene: string, mobile: string, overrides: Partial<RegisterInput> = {}): RegisterInput {
  return {
    scene,
    name: '刘志远',
    mobile,
    workUnit: '市第一人民医院',
    partyOrg: '市一院党委第二党支部',
    gridId: scene === sceneC1 ? 'c1g2' : 'c2g1',
    buildingId: scene === sceneC1 ? 'c1g2b3' : 'c2g1b1',
    unit: '2',
    room: '502',
    skills: ['医疗保健'],
    services: ['elderly', 'policy'],
    consent: true,
    ...overrides
  }
}

async function registerNew(scene = sceneC1, overrides: Partial<RegisterInput> = {}) {
  const p = person()
  const out = await cloud.ok('members', 'register', form(scene, p.mobile, overrides), p.openid)
  return { ...p, id: out.registration.id as string, out }
}

const codeOf = (reply: { ok: boolean; error?: { code: string } }) => (reply.ok ? 'OK' : reply.error!.code)

async function workbookOf(fileID: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(join(cloud.dataDir, 'files', fileID.replace('local://', '')))
  return workbook
}

/** The export's 各社区报到进度 sheet: [社区, 报到目标, 已报到, 完成率] per community (up to the blank line). */
function progressRowsOf(workbook: ExcelJS.Workbook): unknown[][] {
  const sheet = workbook.getWorksheet('各社区报到进度')!
  expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['社区', '报到目标（名）', '已报到（审核通过，名）', '完成率'])
  const rows: unknown[][] = []
  for (let n = 2; n <= sheet.rowCount; n++) {
    const values = (sheet.getRow(n).values as unknown[]).slice(1)
    if (values.length === 0 || values[0] === undefined || String(values[0]).startsWith('截至')) break
    rows.push(values)
  }
  return rows
}

describe('seeded figures', () => {
  it('has the district 4,403 registered against a target of 4,403, a handful pending in 东风社区', async () => {
    const stats = await cloud.ok('members', 'stats', {}, 'demo-admin')
    expect(stats.scope).toBe('district')
    expect(stats.target).toBe(4403)
    expect(stats.district).toEqual({ registered: 4403, approved: 4398, pending: 6, pendingTransfers: 1 })
    expect(stats.communities).toHaveLength(7)
    const c1 = stats.communities.find((c: { communityId: string }) => c.communityId === 'c1')
    expect(c1).toMatchObject({ communityName: '东风社区', pending: 6, pendingTransfers: 1 })
    for (const c of stats.communities) if (c.communityId !== 'c1') expect(c.pending).toBe(0)
    // Nearly all approved are placed.
    expect(cloud.store.count('registrations', { status: 'approved', 'placement.branchId': { $exists: false } })).toBe(0)
    // Each community has its own target (the seed shares the district's 4,403 out by households).
    expect(stats.communityTargetsTotal).toBe(4403)
    expect(stats.percent).toBe(Math.round((4398 / 4403) * 1000) / 10)
    for (const c of stats.communities) {
      const target = cloud.store.get('communities', c.communityId)!.registrationTarget
      const approved = cloud.store.count('registrations', { communityId: c.communityId, status: 'approved' })
      expect({ id: c.communityId, target: c.target, approved: c.approved, percent: c.percent }).toEqual({
        id: c.communityId,
        target,
        approved,
        percent: Math.round((approved / target) * 1000) / 10
      })
    }
  })

  it('shows demo-member placed at 锦绣花园 2号楼 with branch and central household contacts', async () => {
    const me = await cloud.ok('members', 'me', {}, 'demo-member')
    expect(me.pending).toBeNull()
    expect(me.approved).toMatchObject({ status: 'approved', communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b2', name: '李明', mobile: '13900000002' })
    expect(me.approved.placement.branch).toMatchObject({ id: 'br-c1g1', name: '锦绣花园党支部' })
    expect(me.approved.placement.branch.secretary).toBeTruthy()
    expect(me.approved.placement.partyGroup.id).toBe('pg-c1g1b2')
    expect(me.approved.placement.centralHousehold).toMatchObject({ id: 'ch-c1g1b2' })
  })
})

describe('qrcodes.community', () => {
  it('gives staff their community code: a short scene and a QR PNG that opens the registration page', async () => {
    const code = await cloud.ok('qrcodes', 'community', { communityId: 'c1' }, 'demo-staff')
    expect(code.scene).toBe(sceneC1)
    expect(code.scene.length).toBeLessThanOrEqual(32)
    expect(code.communityName).toBe('东风社区')
    expect(code.page).toBe('packages/register/pages/form/index')
    expect(code.image).toBe(code.url)
    expect(code.url).toMatch(/^http:\/\/.+\.png$/)
    const file = join(cloud.dataDir, 'files', code.fileID.replace('local://', ''))
    expect(existsSync(file)).toBe(true)
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
    expect(cloud.store.get('communityCodes', code.scene)).toMatchObject({ communityId: 'c1' })
  })

  it('creates exactly one code when several staff ask at the same moment', async () => {
    const replies = await Promise.all([
      cloud.call('qrcodes', 'community', { communityId: 'c3' }, 'demo-admin'),
      cloud.call('qrcodes', 'community', { communityId: 'c3' }, 'demo-admin'),
      cloud.call('qrcodes', 'community', { communityId: 'c3' }, 'demo-admin'),
      cloud.call('qrcodes', 'community', { communityId: 'c3' }, 'demo-admin')
    ])
    const scenes = new Set(replies.map((r) => (r.ok ? r.data.scene : r.error.code)))
    expect(scenes.size).toBe(1)
    expect(cloud.store.count('communityCodes', { communityId: 'c3' })).toBe(1)
  })

  it('refuses everyone but the community staff and district admin', async () => {
    for (const openid of ['demo-resident', 'demo-member', 'demo-property', 'demo-committee', 'demo-staff-2'])
      expect(codeOf(await cloud.call('qrcodes', 'community', { communityId: 'c1' }, openid))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('qrcodes', 'community', { communityId: 'c1' }))).toBe('UNAUTHENTICATED')
    expect(codeOf(await cloud.call('qrcodes', 'community', { communityId: 'c99' }, 'demo-admin'))).toBe('NOT_FOUND')
    expect(codeOf(await cloud.call('qrcodes', 'community', {}, 'demo-staff'))).toBe('INVALID_INPUT')
  })
})

describe('register', () => {
  it('resolves a scene to the community and its compounds for the form', async () => {
    const info = await cloud.ok('members', 'scene', { scene: sceneC1 }, 't-anyone')
    expect(info.communityId).toBe('c1')
    expect(info.communityName).toBe('东风社区')
    expect(info.grids[0]).toMatchObject({ id: 'c1g1', name: '锦绣花园' })
    expect(info.grids[0].buildings[0]).toMatchObject({ id: 'c1g1b1', name: '1号楼' })
    expect(info.grids.every((g: { id: string }) => g.id.startsWith('c1g'))).toBe(true)
    expect(codeOf(await cloud.call('members', 'scene', { scene: 'nosuchcode' }, 't-anyone'))).toBe('INVALID_INPUT')
  })

  it('creates a pending registration the member sees, with the community filled in from the scene', async () => {
    const { openid, id, out } = await registerNew()
    expect(out.created).toBe(true)
    expect(out.transfer).toBe(false)
    expect(out.registration).toMatchObject({ id, status: 'pending', communityId: 'c1', communityName: '东风社区', gridName: '阳光花园', buildingName: '3号楼' })
    const me = await cloud.ok('members', 'me', {}, openid)
    expect(me.pending).toMatchObject({ id, status: 'pending', skills: ['医疗保健'], services: ['elderly', 'policy'] })
    expect(me.approved).toBeNull()
    const stored = cloud.store.get('registrations', id)!
    expect(stored).toMatchObject({ openid, status: 'pending', workUnit: '市第一人民医院', partyOrg: '市一院党委第二党支部', unit: '2', room: '502' })
    expect(stored.consentAt).toBeInstanceOf(Date)
  })

  it('updates the pending registration on a second submit instead of creating another', async () => {
    const { openid, mobile, id } = await registerNew()
    const again = await cloud.ok('members', 'register', form(sceneC1, mobile, { room: '1101', workUnit: '区中医院', skills: '理发，驾驶' }), openid)
    expect(again.created).toBe(false)
    expect(again.registration.id).toBe(id)
    expect(cloud.store.count('registrations', { openid })).toBe(1)
    expect(cloud.store.get('registrations', id)).toMatchObject({ room: '1101', workUnit: '区中医院', skills: ['理发', '驾驶'], status: 'pending' })
    expect((cloud.store.get('registrations', id)!.history as { event: string }[]).map((h) => h.event)).toEqual(['submitted', 'edited'])
  })

  it('keeps one registration when the same person submits from two phones at once', async () => {
    const { openid, mobile } = person()
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => cloud.call('members', 'register', form(sceneC1, mobile, { room: `${i + 1}01` }), openid)))
    expect(replies.every((r) => r.ok)).toBe(true)
    expect(cloud.store.count('registrations', { openid })).toBe(1)
    expect(replies.filter((r) => r.ok && r.data.created)).toHaveLength(1)
  })

  it('rejects bad input naming the fields, and stores nothing', async () => {
    const before = cloud.store.count('registrations')
    const { openid, mobile } = person()
    const cases: [Partial<RegisterInput> | Record<string, unknown>, string[]][] = [
      [{ mobile: '12345678901' }, ['mobile']],
      [{ mobile: '1381234567' }, ['mobile']],
      [{ consent: false }, ['consent']],
      [{ consent: undefined }, ['consent']],
      [{ name: '' }, ['name']],
      [{ workUnit: ' ' }, ['workUnit']],
      [{ partyOrg: undefined }, ['partyOrg']],
      [{ room: '' }, ['room']],
      [{ scene: 'x'.repeat(33) }, ['scene']],
      [{ services: ['dancing'] }, ['services.0']],
      [{ name: '', mobile: 'abc' }, ['name', 'mobile']]
    ]
    for (const [overrides, fields] of cases) {
      const reply = await cloud.call('members', 'register', { ...form(sceneC1, mobile), ...overrides }, openid)
      expect(reply.ok).toBe(false)
      if (!reply.ok) {
        expect(reply.error.code).toBe('INVALID_INPUT')
        expect(reply.error.fields).toEqual(expect.arrayContaining(fields))
      }
    }
    // Checked against the database: an unknown scene, a compound of another community, a building of another compound.
    const unknown = await cloud.call('members', 'register', form('nosuchscene', mobile, { gridId: 'c1g2', buildingId: 'c1g2b3' }), openid)
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['scene'] } })
    const otherGrid = await cloud.call('members', 'register', form(sceneC1, mobile, { gridId: 'c2g1', buildingId: 'c2g1b1' }), openid)
    expect(otherGrid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['gridId'] } })
    const otherBuilding = await cloud.call('members', 'register', form(sceneC1, mobile, { gridId: 'c1g2', buildingId: 'c1g1b1' }), openid)
    expect(otherBuilding).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['buildingId'] } })
    expect(cloud.store.count('registrations')).toBe(before)
  })

  it('needs a signed-in caller', async () => {
    const { mobile } = person()
    expect(codeOf(await cloud.call('members', 'register', form(sceneC1, mobile)))).toBe('UNAUTHENTICATED')
    expect(codeOf(await cloud.call('members', 'me', {}))).toBe('UNAUTHENTICATED')
  })

  it('refuses a second registration in the community the member is already approved in', async () => {
    const reply = await cloud.call('members', 'register', form(sceneC1, '13900000002', { name: '李明' }), 'demo-member')
    expect(codeOf(reply)).toBe('CONFLICT')
  })
})

describe('review', () => {
  it('approves with the placement suggested from the address, grants the member role and tells the member', async () => {
    const { openid, id, mobile } = await registerNew()
    const out = await cloud.ok('members', 'review', { registrationId: id, decision: 'approve' }, 'demo-staff')
    expect(out.registration.status).toBe('approved')
    expect(cloud.store.get('registrations', id)!.placement).toEqual({ branchId: 'br-c1g2', partyGroupId: 'pg-c1g2b3', centralHouseholdId: 'ch-c1g2b3' })
    const user = cloud.store.get('users', openid)!
    expect(user.roles).toEqual(['member'])
    expect(user.openid).toBe(openid)
    expect(user.profile).toEqual({ name: '刘志远', mobile, communityId: 'c1', gridId: 'c1g2', buildingId: 'c1g2b3' })
    const messages = cloud.store.find('outbox', { touser: openid })
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ templateId: 'tpl-registration-reviewed', page: 'packages/register/pages/status/index' })
    expect(messages[0].summary).toContain('通过')
    const me = await cloud.ok('members', 'me', {}, openid)
    expect(me.approved.placement).toMatchObject({ branch: { id: 'br-c1g2' }, partyGroup: { id: 'pg-c1g2b3' }, centralHousehold: { id: 'ch-c1g2b3' } })
    // The role is usable at once.
    expect((await cloud.ok('users', 'me', {}, openid)).roles).toContain('member')
  })

  it('lets staff change the placement within the community, and refuses one outside it', async () => {
    const { id } = await registerNew()
    const elsewhere = await cloud.call('members', 'review', { registrationId: id, decision: 'approve', placement: { branchId: 'br-c2g1', partyGroupId: 'pg-c2g1b1' } }, 'demo-staff')
    expect(elsewhere).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['placement.branchId'] } })
    const mismatched = await cloud.call('members', 'review', { registrationId: id, decision: 'approve', placement: { branchId: 'br-c1g1', partyGroupId: 'pg-c1g2b1' } }, 'demo-staff')
    expect(mismatched).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['placement.partyGroupId'] } })
    expect(cloud.store.get('registrations', id)!.status).toBe('pending')
    const options = await cloud.ok('members', 'placementOptions', { registrationId: id, gridId: 'c1g1' }, 'demo-staff')
    expect(options.suggested).toEqual({ branchId: 'br-c1g2', partyGroupId: 'pg-c1g2b3', centralHouseholdId: 'ch-c1g2b3' })
    expect(options.branches.map((b: { id: string }) => b.id)).toContain('br-c1g1')
    expect(options.partyGroups.every((g: { id: string }) => g.id.startsWith('pg-c1g1b'))).toBe(true)
    await cloud.ok('members', 'review', { registrationId: id, decision: 'approve', placement: { branchId: 'br-c1g1', partyGroupId: 'pg-c1g1b1', centralHouseholdId: 'ch-c1g1b1' } }, 'demo-staff')
    expect(cloud.store.get('registrations', id)!.placement).toEqual({ branchId: 'br-c1g1', partyGroupId: 'pg-c1g1b1', centralHouseholdId: 'ch-c1g1b1' })
  })

  it('suggests the nearest central household when the building has none', async () => {
    // The last building of each grid has no central household in the seed.
    const lastOfGrid = cloud.store.find('buildings', { gridId: 'c1g3' }, { sort: { order: -1 }, limit: 1 })[0]
    expect(cloud.store.get('centralHouseholds', `ch-${lastOfGrid._id}`)).toBeNull()
    const { id } = await registerNew(sceneC1, { gridId: 'c1g3', buildingId: lastOfGrid._id as string })
    const options = await cloud.ok('members', 'placementOptions', { registrationId: id }, 'demo-staff')
    expect(options.suggested.partyGroupId).toBe(`pg-${lastOfGrid._id}`)
    const household = cloud.store.get('centralHouseholds', options.suggested.centralHouseholdId)!
    expect(household.gridId).toBe('c1g3')
  })

  it('rejects only with a reason, and the member may register again', async () => {
    const { openid, mobile, id } = await registerNew()
    const noReason = await cloud.call('members', 'review', { registrationId: id, decision: 'reject' }, 'demo-staff')
    expect(noReason).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['reason'] } })
    expect(cloud.store.get('registrations', id)!.status).toBe('pending')
    await cloud.ok('members', 'review', { registrationId: id, decision: 'reject', reason: '住址不在本社区辖区' }, 'demo-staff')
    expect(cloud.store.get('registrations', id)).toMatchObject({ status: 'rejected', rejectReason: '住址不在本社区辖区' })
    expect(cloud.store.get('users', openid)).toBeNull()
    expect(cloud.store.find('outbox', { touser: openid })[0].summary).toContain('住址不在本社区辖区')
    const me = await cloud.ok('members', 'me', {}, openid)
    expect(me.rejected).toMatchObject({ id, rejectReason: '住址不在本社区辖区' })
    const again = await cloud.ok('members', 'register', form(sceneC1, mobile), openid)
    expect(again.created).toBe(true)
    expect(again.registration.id).not.toBe(id)
    expect((await cloud.ok('members', 'me', {}, openid)).rejected).toBeNull()
  })

  it('lets exactly one of two reviewers acting at once decide', async () => {
    const { openid, id } = await registerNew()
    const replies = await Promise.all([
      cloud.call('members', 'review', { registrationId: id, decision: 'approve' }, 'demo-staff'),
      cloud.call('members', 'review', { registrationId: id, decision: 'approve' }, 'demo-admin'),
      cloud.call('members', 'review', { registrationId: id, decision: 'reject', reason: '信息有误' }, 'demo-staff')
    ])
    expect(replies.filter((r) => r.ok)).toHaveLength(1)
    expect(replies.filter((r) => !r.ok).map(codeOf)).toEqual(['CONFLICT', 'CONFLICT'])
    const history = cloud.store.get('registrations', id)!.history as { event: string }[]
    expect(history.filter((h) => h.event === 'approved' || h.event === 'rejected')).toHaveLength(1)
    expect(cloud.store.find('outbox', { touser: openid })).toHaveLength(1)
    expect(codeOf(await cloud.call('members', 'review', { registrationId: id, decision: 'approve' }, 'demo-staff'))).toBe('CONFLICT')
  })

  it('refuses review to residents, members, property staff, committee and other communities\u2019 staff', async () => {
    const { id } = await registerNew()
    for (const openid of ['demo-resident', 'demo-member', 'demo-property', 'demo-committee', 'demo-staff-2']) {
      expect(codeOf(await cloud.call('members', 'review', { registrationId: id, decision: 'approve' }, openid))).toBe('FORBIDDEN')
      expect(codeOf(await cloud.call('members', 'placementOptions', { registrationId: id }, openid))).toBe('FORBIDDEN')
    }
    expect(cloud.store.get('registrations', id)!.status).toBe('pending')
    expect(codeOf(await cloud.call('members', 'review', { registrationId: 'nope', decision: 'approve' }, 'demo-staff'))).toBe('NOT_FOUND')
    expect(codeOf(await cloud.call('members', 'review', { registrationId: id, decision: 'maybe' }, 'demo-staff'))).toBe('INVALID_INPUT')
  })
})

describe('transfer', () => {
  it('moves an approved member to a new community when the new one approves; the old one releases them', async () => {
    const { openid, mobile, id: oldId } = await registerNew(sceneC1)
    await cloud.ok('members', 'review', { registrationId: oldId, decision: 'approve' }, 'demo-staff')
    const moved = await cloud.ok('members', 'register', form(sceneC2, mobile), openid)
    expect(moved.transfer).toBe(true)
    expect(moved.registration.transferFrom).toMatchObject({ registrationId: oldId, communityId: 'c1', communityName: '东风社区' })
    // Until approved, the member still belongs to the old community.
    expect(cloud.store.get('registrations', oldId)!.status).toBe('approved')
    const me = await cloud.ok('members', 'me', {}, openid)
    expect(me.approved.id).toBe(oldId)
    expect(me.pending.id).toBe(moved.registration.id)
    // The old community's staff cannot approve it.
    expect(codeOf(await cloud.call('members', 'review', { registrationId: moved.registration.id, decision: 'approve' }, 'demo-staff'))).toBe('FORBIDDEN')
    await cloud.ok('members', 'review', { registrationId: moved.registration.id, decision: 'approve' }, 'demo-staff-2')
    expect(cloud.store.get('registrations', oldId)).toMatchObject({ status: 'transferred', transferredTo: moved.registration.id })
    expect(cloud.store.get('registrations', moved.registration.id)).toMatchObject({ status: 'approved', communityId: 'c2' })
    const user = cloud.store.get('users', openid)!
    expect(user.roles).toEqual(['member'])
    expect(user.profile).toMatchObject({ communityId: 'c2', gridId: 'c2g1', buildingId: 'c2g1b1' })
    expect(cloud.store.count('registrations', { openid, status: { $in: ['pending', 'approved'] } })).toBe(1)
  })

  it('releases the old registration exactly once when two reviewers approve a transfer at once', async () => {
    const { openid, mobile, id: oldId } = await registerNew(sceneC1)
    await cloud.ok('members', 'review', { registrationId: oldId, decision: 'approve' }, 'demo-staff')
    const moved = await cloud.ok('members', 'register', form(sceneC2, mobile), openid)
    const replies = await Promise.all([
      cloud.call('members', 'review', { registrationId: moved.registration.id, decision: 'approve' }, 'demo-staff-2'),
      cloud.call('members', 'review', { registrationId: moved.registration.id, decision: 'approve' }, 'demo-admin')
    ])
    expect(replies.map(codeOf).sort()).toEqual(['CONFLICT', 'OK'])
    const old = cloud.store.get('registrations', oldId)!
    expect(old.status).toBe('transferred')
    expect((old.history as { event: string }[]).filter((h) => h.event === 'transferred')).toHaveLength(1)
    expect(cloud.store.count('registrations', { openid, status: 'approved' })).toBe(1)
  })

  it('keeps the member in the old community when the transfer is rejected', async () => {
    const { openid, mobile, id: oldId } = await registerNew(sceneC1)
    await cloud.ok('members', 'review', { registrationId: oldId, decision: 'approve' }, 'demo-staff')
    const moved = await cloud.ok('members', 'register', form(sceneC2, mobile), openid)
    await cloud.ok('members', 'review', { registrationId: moved.registration.id, decision: 'reject', reason: '未在本社区居住' }, 'demo-staff-2')
    expect(cloud.store.get('registrations', oldId)!.status).toBe('approved')
    expect(cloud.store.get('users', openid)!.profile.communityId).toBe('c1')
  })

  it('counts a member in the middle of a transfer once in the district', async () => {
    const before = (await cloud.ok('members', 'stats', {}, 'demo-admin')).district
    const { openid, mobile, id } = await registerNew(sceneC1)
    await cloud.ok('members', 'review', { registrationId: id, decision: 'approve' }, 'demo-staff')
    await cloud.ok('members', 'register', form(sceneC2, mobile), openid)
    const after = (await cloud.ok('members', 'stats', {}, 'demo-admin')).district
    expect(after.registered - before.registered).toBe(1)
    expect(after.pendingTransfers - before.pendingTransfers).toBe(1)
  })
})

describe('list, mobile numbers and export', () => {
  it('pages the community\u2019s registrations with masked numbers; the review queue is oldest first', async () => {
    const page = await cloud.ok('members', 'list', { status: 'pending', page: 1, pageSize: 3 }, 'demo-staff')
    expect(page.total).toBe(cloud.store.count('registrations', { communityId: 'c1', status: 'pending' }))
    expect(page.items).toHaveLength(3)
    const times = page.items.map((i: { submittedAt: string }) => i.submittedAt)
    expect([...times].sort()).toEqual(times)
    for (const item of page.items) {
      expect(item.communityId).toBe('c1')
      expect(item.mobileMasked).toMatch(/^1\d{2}\*{4}\d{4}$/)
      expect(item).not.toHaveProperty('mobile')
    }
    const page2 = await cloud.ok('members', 'list', { status: 'pending', page: 2, pageSize: 3 }, 'demo-staff')
    expect(page2.items[0].id).not.toBe(page.items[0].id)
    const all = await cloud.ok('members', 'list', { page: 1, pageSize: 100 }, 'demo-staff')
    expect(all.total).toBe(cloud.store.count('registrations', { communityId: 'c1' }))
    // No full number as its own token (a generated hex _id can hold 11 digits in a row), nor any stored one.
    expect(JSON.stringify(all)).not.toMatch(/(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/)
    for (const r of cloud.store.find('registrations', { communityId: 'c1' }) as { mobile?: string }[]) if (r.mobile) expect(JSON.stringify(all)).not.toContain(`"${r.mobile}"`)
  })

  it('filters by grid, building, work unit and a search term', async () => {
    const byGrid = await cloud.ok('members', 'list', { gridId: 'c1g1', page: 1, pageSize: 100 }, 'demo-staff')
    expect(byGrid.total).toBe(cloud.store.count('registrations', { gridId: 'c1g1' }))
    expect(byGrid.items.every((i: { gridId: string }) => i.gridId === 'c1g1')).toBe(true)
    const byBuilding = await cloud.ok('members', 'list', { buildingId: 'c1g1b2', status: 'approved', page: 1, pageSize: 100 }, 'demo-staff')
    expect(byBuilding.items.map((i: { name: string }) => i.name)).toContain('李明')
    const byUnit = await cloud.ok('members', 'list', { workUnit: '发展和改革', page: 1, pageSize: 20 }, 'demo-staff')
    expect(byUnit.items.map((i: { name: string }) => i.name)).toEqual(['李明'])
    const byName = await cloud.ok('members', 'list', { q: '李明', page: 1, pageSize: 20 }, 'demo-staff')
    expect(byName.items.some((i: { id: string }) => i.id === 'seedreg7')).toBe(true)
    const byMobile = await cloud.ok('members', 'list', { q: '13900000002', page: 1, pageSize: 20 }, 'demo-staff')
    expect(byMobile.total).toBe(1)
    // A regex metacharacter is searched literally.
    expect((await cloud.ok('members', 'list', { q: '.*', page: 1, pageSize: 20 }, 'demo-staff')).total).toBe(0)
  })

  it('searches a mobile only as the whole 11-digit number, and audits that search (issue #16)', async () => {
    const audits = () => cloud.store.count('auditLogs', { action: 'members.searchMobile' })
    const before = audits()
    // Part of a number is refused with a clear error, so a number cannot be recovered digit by digit.
    for (const q of ['139', '1390000000', '0000002', '139 0000 000']) {
      const reply = await cloud.call('members', 'list', { q, page: 1, pageSize: 20 }, 'demo-staff')
      expect(reply.ok).toBe(false)
      expect(!reply.ok && reply.error).toMatchObject({ code: 'INVALID_INPUT', message: '按手机号查找请输入完整的11位手机号', fields: ['q'] })
    }
    // Digits inside other text never reach the mobile field either.
    expect((await cloud.ok('members', 'list', { q: '李明139', page: 1, pageSize: 20 }, 'demo-staff')).total).toBe(0)
    expect(audits()).toBe(before)

    const exact = await cloud.ok('members', 'list', { q: '139 0000 0002', page: 1, pageSize: 20 }, 'demo-staff')
    expect(exact.items.map((i: { id: string }) => i.id)).toEqual(['seedreg7'])
    expect(JSON.stringify(exact)).not.toContain('13900000002')
    expect(audits()).toBe(before + 1)
    expect(cloud.store.findOne('auditLogs', { action: 'members.searchMobile', actor: 'demo-staff' })).toMatchObject({
      target: { collection: 'registrations', id: 'seedreg7' },
      detail: { mobile: '139****0002', matched: ['seedreg7'] }
    })
    // Another community's staff learn nothing from a whole number either (but the search is logged).
    expect((await cloud.ok('members', 'list', { q: '13900000002', page: 1, pageSize: 20 }, 'demo-staff-2')).total).toBe(0)
    expect(audits()).toBe(before + 2)
  })

  it('refuses list and export to everyone but the community staff and district admin', async () => {
    for (const openid of ['demo-resident', 'demo-member', 'demo-property', 'demo-committee']) {
      expect(codeOf(await cloud.call('members', 'list', { page: 1, pageSize: 20 }, openid))).toBe('FORBIDDEN')
      expect(codeOf(await cloud.call('members', 'export', {}, openid))).toBe('FORBIDDEN')
      expect(codeOf(await cloud.call('members', 'stats', {}, openid))).toBe('FORBIDDEN')
    }
    // Another community's staff: not by naming the community, a grid or a building of it.
    expect(codeOf(await cloud.call('members', 'list', { communityId: 'c1', page: 1, pageSize: 20 }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('members', 'list', { gridId: 'c1g1', page: 1, pageSize: 20 }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('members', 'list', { buildingId: 'c1g1b2', page: 1, pageSize: 20 }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('members', 'export', { communityId: 'c1' }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('members', 'export', { gridId: 'c1g1' }, 'demo-staff-2'))).toBe('FORBIDDEN')
    // Their own community only.
    const own = await cloud.ok('members', 'list', { page: 1, pageSize: 100 }, 'demo-staff-2')
    expect(own.items.every((i: { communityId: string }) => i.communityId === 'c2')).toBe(true)
    expect(codeOf(await cloud.call('members', 'list', { page: 1, pageSize: 101 }, 'demo-staff'))).toBe('INVALID_INPUT')
    expect(codeOf(await cloud.call('members', 'list', { status: 'done', page: 1, pageSize: 20 }, 'demo-staff'))).toBe('INVALID_INPUT')
  })

  it('lets the district admin list any community or the whole district', async () => {
    const c3 = await cloud.ok('members', 'list', { communityId: 'c3', page: 1, pageSize: 5 }, 'demo-admin')
    expect(c3.total).toBe(cloud.store.count('registrations', { communityId: 'c3' }))
    const district = await cloud.ok('members', 'list', { status: 'approved', page: 1, pageSize: 5 }, 'demo-admin')
    expect(district.total).toBe(cloud.store.count('registrations', { status: 'approved' }))
  })

  it('shows a full mobile number to the community staff only, and audits every view', async () => {
    const audits = () => cloud.store.count('auditLogs', { action: 'members.viewMobile', 'target.id': 'seedreg7' })
    expect(codeOf(await cloud.call('members', 'revealMobile', { registrationId: 'seedreg7' }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('members', 'revealMobile', { registrationId: 'seedreg7' }, 'demo-member'))).toBe('FORBIDDEN')
    expect(audits()).toBe(0)
    expect(await cloud.ok('members', 'revealMobile', { registrationId: 'seedreg7' }, 'demo-staff')).toEqual({ mobile: '13900000002' })
    await cloud.ok('members', 'revealMobile', { registrationId: 'seedreg7' }, 'demo-admin')
    expect(audits()).toBe(2)
    const entry = cloud.store.findOne('auditLogs', { actor: 'demo-staff', action: 'members.viewMobile' })!
    expect(entry).toMatchObject({ communityId: 'c1', target: { collection: 'registrations', id: 'seedreg7' }, actorName: '张敏' })
    expect(entry.at).toEqual(new Date(cloud.clock.now()))
  })

  it('never shows a member another member\u2019s registration or number', async () => {
    expect(codeOf(await cloud.call('members', 'detail', { registrationId: 'seedreg8' }, 'demo-member'))).toBe('FORBIDDEN')
    const own = await cloud.ok('members', 'detail', { registrationId: 'seedreg7' }, 'demo-member')
    expect(own.registration.mobile).toBe('13900000002')
    const staffView = await cloud.ok('members', 'detail', { registrationId: 'seedreg7' }, 'demo-staff')
    expect(staffView.registration).not.toHaveProperty('mobile')
    expect(staffView.registration.mobileMasked).toBe('139****0002')
  })

  it('exports the community\u2019s registrations to .xlsx with full numbers, audited', async () => {
    const out = await cloud.ok('members', 'export', { status: 'approved' }, 'demo-staff')
    const expected = cloud.store.count('registrations', { communityId: 'c1', status: 'approved' })
    expect(out.rows).toBe(expected)
    expect(out.fileName).toMatch(/^东风社区在职党员报到名单-\d{8}-\d{6}\.xlsx$/)
    expect(out.url).toMatch(/^http:\/\/.+\.xlsx$/)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile(join(cloud.dataDir, 'files', out.fileID.replace('local://', '')))
    const sheet = workbook.worksheets[0]
    expect(sheet.rowCount).toBe(expected + 1)
    const header = (sheet.getRow(1).values as unknown[]).slice(1)
    expect(header).toEqual(expect.arrayContaining(['姓名', '手机号', '工作单位', '所在党组织', '网格党支部', '楼栋党小组', '党员中心户']))
    const mobileCol = header.indexOf('手机号') + 1
    const nameCol = header.indexOf('姓名') + 1
    const rows = sheet.getRows(2, expected)!
    const li = rows.find((r) => r.getCell(nameCol).value === '李明')!
    expect(li.getCell(mobileCol).value).toBe('13900000002')
    expect(cloud.store.findOne('auditLogs', { action: 'members.export', actor: 'demo-staff' })).toMatchObject({
      communityId: 'c1',
      detail: { rows: expected }
    })
    // The progress sheet: the community's target, approved members and percentage, counted in the database.
    const approved = cloud.store.count('registrations', { communityId: 'c1', status: 'approved' })
    const target = cloud.store.get('communities', 'c1')!.registrationTarget
    expect(progressRowsOf(workbook)).toEqual([['东风社区', target, approved, `${Math.round((approved / target) * 1000) / 10}%`]])
  })
})

describe('district-wide export', () => {
  it('lets the district admin export the whole district, audited without a community', async () => {
    const out = await cloud.ok('members', 'export', { status: 'pending' }, 'demo-admin')
    expect(out.rows).toBe(cloud.store.count('registrations', { status: 'pending' }))
    expect(out.fileName).toMatch(/^全区在职党员报到名单-/)
    const entry = cloud.store.findOne('auditLogs', { action: 'members.export', actor: 'demo-admin' })!
    expect(entry.target).toMatchObject({ collection: 'registrations', id: 'district' })
    expect(entry).not.toHaveProperty('communityId')
    // Every community's progress (whatever the filter), then the district against its own target.
    const rows = progressRowsOf(await workbookOf(out.fileID))
    const communities = cloud.store.find('communities', {}, { sort: { order: 1 } })
    expect(rows).toHaveLength(communities.length + 1)
    communities.forEach((c, i) => {
      const approved = cloud.store.count('registrations', { communityId: c._id, status: 'approved' })
      expect(rows[i]).toEqual([c.name, c.registrationTarget, approved, `${Math.round((approved / c.registrationTarget) * 1000) / 10}%`])
    })
    const total = cloud.store.count('registrations', { status: 'approved' })
    expect(rows[communities.length]).toEqual(['全区（区定目标）', 4403, total, `${Math.round((total / 4403) * 1000) / 10}%`])
  })
})

describe('stats and target', () => {
  it('gives staff their own community only', async () => {
    const stats = await cloud.ok('members', 'stats', {}, 'demo-staff-2')
    expect(stats.scope).toBe('community')
    expect(stats.district).toBeNull()
    expect(stats.communities.map((c: { communityId: string }) => c.communityId)).toEqual(['c2'])
  })

  it('counts a new registration as pending, then as approved', async () => {
    const c = async () => (await cloud.ok('members', 'stats', {}, 'demo-staff')).communities[0]
    const before = await c()
    const { id } = await registerNew()
    const pending = await c()
    expect(pending.pending - before.pending).toBe(1)
    expect(pending.registered - before.registered).toBe(1)
    await cloud.ok('members', 'review', { registrationId: id, decision: 'approve' }, 'demo-staff')
    const approved = await c()
    expect(approved.pending).toBe(before.pending)
    expect(approved.approved - before.approved).toBe(1)
  })

  it('gives staff their own community\u2019s target and percentage', async () => {
    const [c2] = (await cloud.ok('members', 'stats', {}, 'demo-staff-2')).communities
    const target = cloud.store.get('communities', 'c2')!.registrationTarget
    const approved = cloud.store.count('registrations', { communityId: 'c2', status: 'approved' })
    expect(c2).toMatchObject({ communityId: 'c2', target, approved, percent: Math.round((approved / target) * 1000) / 10 })
  })

  it('lets the district admin set each community\u2019s target, and nobody else; bad input changes nothing', async () => {
    const snapshot = () => cloud.store.find('communities', {}, { sort: { order: 1 } }).map((c) => [c._id, c.registrationTarget])
    const before = snapshot()
    for (const openid of ['demo-staff', 'demo-staff-2', 'demo-member', 'demo-resident']) {
      expect(codeOf(await cloud.call('members', 'setCommunityTargets', { targets: [{ communityId: 'c1', target: 800 }] }, openid))).toBe('FORBIDDEN')
    }
    const bad: [object, string][] = [
      [{ targets: [{ communityId: 'c1', target: 0 }] }, '社区报到目标至少为1名'],
      [{ targets: [{ communityId: 'c1', target: -5 }] }, '社区报到目标至少为1名'],
      [{ targets: [{ communityId: 'c1', target: 10.5 }] }, '社区报到目标应为整数'],
      [{ targets: [{ communityId: 'c1', target: '800' }] }, '社区报到目标应为整数'],
      [{ targets: [{ communityId: 'c1', target: 2_000_000 }] }, '社区报到目标不能超过1000000名'],
      [{ targets: [] }, '请至少填写一个社区的目标'],
      [{ targets: [{ communityId: 'c1', target: 800 }, { communityId: 'c99', target: 10 }] }, '社区不存在：c99'],
      [{ targets: [{ communityId: 'c1', target: 800 }, { communityId: 'c1', target: 900 }] }, '同一社区填写了两次（第1项和第2项）']
    ]
    for (const [input, message] of bad) {
      const reply = await cloud.call('members', 'setCommunityTargets', input, 'demo-admin')
      expect({ input, code: codeOf(reply), message: reply.ok ? '' : reply.error!.message }).toEqual({ input, code: 'INVALID_INPUT', message })
    }
    expect(snapshot()).toEqual(before)
    expect(cloud.store.count('auditLogs', { action: 'members.setCommunityTargets' })).toBe(0)

    // c1 gets 800, c2 none (未设目标): stats follow at once; the others keep theirs.
    const out = await cloud.ok('members', 'setCommunityTargets', { targets: [{ communityId: 'c1', target: 800 }, { communityId: 'c2', target: null }, { communityId: 'c3', target: before[2][1] }] }, 'demo-admin')
    expect(out.changed).toBe(2)
    expect(out.communities.slice(0, 3)).toEqual([
      { communityId: 'c1', communityName: '东风社区', target: 800 },
      { communityId: 'c2', communityName: '红旗社区', target: null },
      { communityId: 'c3', communityName: '幸福社区', target: before[2][1] }
    ])
    const stats = await cloud.ok('members', 'stats', {}, 'demo-admin')
    const c1 = stats.communities.find((c: { communityId: string }) => c.communityId === 'c1')
    const c2 = stats.communities.find((c: { communityId: string }) => c.communityId === 'c2')
    expect(c1).toMatchObject({ target: 800, percent: Math.round((c1.approved / 800) * 1000) / 10 })
    expect(c2).toMatchObject({ target: null, percent: null })
    expect(stats.communityTargetsTotal).toBe(4403 - (before[0][1] as number) - (before[1][1] as number) + 800)
    expect((await cloud.ok('members', 'stats', {}, 'demo-staff-2')).communities[0]).toMatchObject({ target: null, percent: null })
    expect(cloud.store.findOne('auditLogs', { action: 'members.setCommunityTargets' })).toMatchObject({
      actor: 'demo-admin',
      detail: { changes: [{ communityId: 'c1', from: before[0][1], to: 800 }, { communityId: 'c2', from: before[1][1], to: null }] }
    })
    // The export's progress sheet says 未设目标 rather than a percentage.
    const file = await cloud.ok('members', 'export', { status: 'pending' }, 'demo-admin')
    const rows = progressRowsOf(await workbookOf(file.fileID))
    expect(rows.find((r) => r[0] === '红旗社区')).toEqual(['红旗社区', '未设目标', cloud.store.count('registrations', { communityId: 'c2', status: 'approved' }), '未设目标'])

    await cloud.ok('members', 'setCommunityTargets', { targets: before.map(([communityId, target]) => ({ communityId, target })) }, 'demo-admin')
    expect(snapshot()).toEqual(before)
  })

  it('decides on the target read: the same change sent twice at once is written and audited once, from the old target', async () => {
    const before = cloud.store.get('communities', 'c3')!.registrationTarget
    const audits = () => cloud.store.find('auditLogs', { action: 'members.setCommunityTargets' })
    const auditsBefore = audits().length
    const next = (before ?? 100) + 7
    const replies = await Promise.all([1, 2].map(() => cloud.call('members', 'setCommunityTargets', { targets: [{ communityId: 'c3', target: next }] }, 'demo-admin')))
    expect(replies.map(codeOf)).toEqual(['OK', 'OK'])
    expect(replies.map((r) => (r.ok ? (r.data as { changed: number }).changed : -1)).sort()).toEqual([0, 1])
    for (const r of replies) expect(r.ok && (r.data as { communities: { communityId: string; target: number }[] }).communities.find((c) => c.communityId === 'c3')?.target).toBe(next)
    expect(cloud.store.get('communities', 'c3')!.registrationTarget).toBe(next)
    const logged = audits().slice(auditsBefore)
    expect(logged.map((l) => l.detail)).toEqual([{ changes: [{ communityId: 'c3', from: before ?? null, to: next }] }])

    // Sending the target it already has: nothing written, nothing audited.
    expect(await cloud.ok('members', 'setCommunityTargets', { targets: [{ communityId: 'c3', target: next }] }, 'demo-admin')).toMatchObject({ changed: 0 })
    expect(audits().length).toBe(auditsBefore + 1)
    await cloud.ok('members', 'setCommunityTargets', { targets: [{ communityId: 'c3', target: before ?? null }] }, 'demo-admin')
  })

  it('lets the district admin change the target, and nobody else', async () => {
    expect(codeOf(await cloud.call('members', 'setTarget', { target: 5000 }, 'demo-staff'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('members', 'setTarget', { target: 0 }, 'demo-admin'))).toBe('INVALID_INPUT')
    expect((await cloud.ok('members', 'stats', {}, 'demo-admin')).target).toBe(4403)
    await cloud.ok('members', 'setTarget', { target: 5000 }, 'demo-admin')
    expect((await cloud.ok('members', 'stats', {}, 'demo-admin')).target).toBe(5000)
    await cloud.ok('members', 'setTarget', { target: 4403 }, 'demo-admin')
  })
})

describe('me', () => {
  it('is empty for someone who never registered', async () => {
    expect(await cloud.ok('members', 'me', {}, 't-nobody')).toEqual({ approved: null, pending: null, rejected: null })
  })
})

describe('round trips (issue #15)', () => {
  const trips = async (fn: string, action: string, input: object, openid: string) => {
    const { reply, stats } = await cloud.callWithStats(fn, action, input, openid)
    expect(reply.ok).toBe(true)
    return stats.dbRequests
  }

  it('names every place of a registration in one read, and reviews in one read of it', async () => {
    const p = person()
    expect(await trips('members', 'scene', { scene: sceneC1 }, p.openid)).toBeLessThanOrEqual(2)
    // rate limit (a new counter), the caller with code + grid + building + active registrations, add, consent
    expect(await trips('members', 'register', form(sceneC1, p.mobile), p.openid)).toBeLessThanOrEqual(4)
    expect(await trips('members', 'register', form(sceneC1, p.mobile, { room: '503' }), p.openid)).toBeLessThanOrEqual(4)
    const id = (await cloud.ok('members', 'me', {}, p.openid)).pending.id as string
    // The caller with the registrations and every place they name.
    expect(await trips('members', 'me', {}, p.openid)).toBe(1)
    expect(await trips('members', 'detail', { registrationId: id }, 'demo-staff')).toBe(1)
    // The caller with the registration, the audit entry.
    expect(await trips('members', 'revealMobile', { registrationId: id }, 'demo-staff')).toBe(2)
    expect(await trips('members', 'placementOptions', { registrationId: id }, 'demo-staff')).toBeLessThanOrEqual(2)
    // The community named (as the app does): the caller, the page with its places and the total in one read.
    expect(await trips('members', 'list', { communityId: 'c1', status: 'pending', page: 1, pageSize: 20 }, 'demo-staff')).toBe(1)
    expect(await trips('members', 'list', { communityId: 'c1', gridId: 'c1g2', page: 1, pageSize: 20 }, 'demo-staff')).toBe(1)
    // No community named: the scope is the caller's, so the page is a second read.
    expect(await trips('members', 'list', { status: 'pending', page: 1, pageSize: 20 }, 'demo-staff')).toBe(2)
    // identity, the registration with its places, the approval, the new user document, the message
    expect(await trips('members', 'review', { registrationId: id, decision: 'approve' }, 'demo-staff')).toBeLessThanOrEqual(5)
    const placed = await cloud.ok('members', 'me', {}, p.openid)
    expect(placed.approved.placement.branch.id).toBe('br-c1g2')
    expect(placed.approved.communityName).not.toBe('')
    // A transfer changes two registrations in one transaction (start, two reads, two writes, commit).
    const moved = await cloud.ok('members', 'register', form(sceneC2, p.mobile), p.openid)
    expect(await trips('members', 'review', { registrationId: moved.registration.id, decision: 'approve' }, 'demo-staff-2')).toBeLessThanOrEqual(10)
    // The caller with the communities, one conditional update per changed target, the audit entry.
    const c3 = cloud.store.get('communities', 'c3')!.registrationTarget as number | null
    expect(await trips('members', 'setCommunityTargets', { targets: [{ communityId: 'c3', target: (c3 ?? 100) + 1 }] }, 'demo-admin')).toBe(3)
    expect(await trips('members', 'setCommunityTargets', { targets: [{ communityId: 'c3', target: c3 }] }, 'demo-admin')).toBe(3)
  })

  it('names the places read with the registrations ($lookup) as the stored documents do', async () => {
    const nameOf = (collection: string, id: string | undefined) => (id ? ((cloud.store.get(collection, id)?.name as string | undefined) ?? '') : '')
    // A member placed with the central household of another building (their own has none).
    const lastOfGrid = cloud.store.find('buildings', { gridId: 'c1g3' }, { sort: { order: -1 }, limit: 1 })[0]
    const { id, openid } = await registerNew(sceneC1, { gridId: 'c1g3', buildingId: lastOfGrid._id as string })
    await cloud.ok('members', 'review', { registrationId: id, decision: 'approve' }, 'demo-staff')
    const stored = cloud.store.get('registrations', id)!
    const household = cloud.store.get('centralHouseholds', stored.placement.centralHouseholdId)!
    expect(household.buildingId).not.toBe(lastOfGrid._id)
    const detail = (await cloud.ok('members', 'detail', { registrationId: id }, 'demo-staff')).registration
    const mine = (await cloud.ok('members', 'me', {}, openid)).approved
    for (const view of [detail, mine]) {
      expect(view).toMatchObject({ id, communityName: '东风社区', gridName: nameOf('grids', 'c1g3'), buildingName: lastOfGrid.name })
      expect(view.placement).toMatchObject({
        branch: { id: stored.placement.branchId, name: nameOf('branches', stored.placement.branchId) },
        partyGroup: { id: stored.placement.partyGroupId, name: nameOf('partyGroups', stored.placement.partyGroupId) },
        centralHousehold: { id: household._id, name: household.name, buildingName: nameOf('buildings', household.buildingId) }
      })
    }
    // A page of the list: every item's places as stored, and the total a direct count.
    for (const input of [{ communityId: 'c1', status: 'approved' }, { status: 'approved' }, { communityId: 'c1', gridId: 'c1g3' }]) {
      const page = await cloud.ok('members', 'list', { ...input, page: 1, pageSize: 50 }, 'demo-staff')
      expect(page.total).toBe(cloud.store.count('registrations', { communityId: 'c1', ...input }))
      expect(page.items.length).toBe(Math.min(50, page.total))
      for (const item of page.items) {
        const r = cloud.store.get('registrations', item.id)!
        expect([item.communityName, item.gridName, item.buildingName]).toEqual([nameOf('communities', r.communityId), nameOf('grids', r.gridId), nameOf('buildings', r.buildingId)])
        if (r.placement) expect(item.placement.branch.name).toBe(nameOf('branches', r.placement.branchId))
      }
    }
  })
})

describe('the scene of a scanned or pasted code', () => {
  it('reads a bare scene, the H5 link and the mini-program path, and refuses anything else', () => {
    expect(sceneFrom('r7k2m9x4p')).toBe('r7k2m9x4p')
    expect(sceneFrom(' http://127.0.0.1:8080/#/packages/register/pages/form/index?scene=r7k2m9x4p ')).toBe('r7k2m9x4p')
    expect(sceneFrom('packages/register/pages/form/index?scene=r7k2m9x4p&x=1')).toBe('r7k2m9x4p')
    expect(sceneFrom('packages/register/pages/form/index?scene=r7k2%2Dm9')).toBe('r7k2-m9')
    expect(sceneFrom('https://example.com/some/page')).toBeNull()
    expect(sceneFrom('')).toBeNull()
    expect(sceneFrom('x'.repeat(33))).toBeNull()
  })
})
