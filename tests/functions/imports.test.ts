/**
 * Roster imports (docs/back-office.md §5, §7): members.importPreview / importConfirm on the emulator
 * with the real wx-server-sdk, from workbooks written by exceljs. Preview writes nothing (the whole
 * store compared before and after); confirm writes the created and changed rows, once per file
 * (此文件已导入); a re-exported file changes nothing; a stale token is CONFLICT; an import cut short
 * is finished by running the same confirm again; scope: c1's staff cannot import into c2.
 */
import { IMPORT_ALREADY, IMPORT_FILE_MAX_BASE64, IMPORT_FILE_TOO_LARGE, IMPORT_STALE, type ImportConfirmOutput, type ImportPreviewOutput } from '../../contracts/imports'
import { importIdOf } from '../../server/core/imports'
import { XLSX_MESSAGES } from '../../server/xlsx/read'
import { anonymousWeb, asDesk, startTestCloud, type TestCloud } from '../support/cloud'
import { MEMBER_HEADER, packageWith, sheetXmlOf, workbookOf, xlsFile, type FixtureCell } from '../support/importFixtures'

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud?.close())
// Each test in a minute of its own: the file previews more often than one person may in a minute (server/core/rateLimits.ts).
beforeEach(() => cloud.clock.advance(60_000))

const b64 = (file: Buffer) => file.toString('base64')
const errorOf = (reply: { ok: boolean; error?: { code: string; message: string } }) => (reply.ok ? 'ok' : `${reply.error!.code} ${reply.error!.message}`)

/** Every collection's documents but the rate-limit counters, as JSON (what "writes nothing" is checked against). */
function snapshot(): string {
  const out: Record<string, unknown[]> = {}
  for (const name of cloud.store.collectionNames().sort()) if (name !== 'rateLimits') out[name] = cloud.store.find(name, {}).map((d) => JSON.stringify(d)).sort()
  return JSON.stringify(out)
}

/** 5 good rows (aliases in the header, an extra column, a mobile typed as a number, empty cells), a bad mobile, an unknown building, a duplicate. */
const GOOD: FixtureCell[][] = [
  ['王建国', '13811110001', '区财政局', '区财政局机关党支部', '锦绣花园', '1号楼', '1', '101', '备注不读'],
  ['李红', 13811110002, '区教育局', '区教育局党委', '锦绣花园', '2栋', null, '202', null],
  [{ richText: [{ text: '赵' }, { text: '敏' }] }, '13811110003', '区卫健委', '区卫健委机关党支部', '阳光花园', '3', '2', '301', null],
  ['孙强', '13811110004', null, null, null, null, null, null, null],
  ['周丽', '13811110005', '区民政局', '区民政局党支部', '翠苑花园', '1号楼', '1', '1102', ''],
]
const BAD: FixtureCell[][] = [
  ['吴刚', '1381111000', '区人社局', '区人社局党支部', '锦绣花园', '1号楼', '1', '102', null],
  ['郑华', '13811110007', '区住建局', '区住建局党支部', '锦绣花园', '99号楼', '1', '103', null],
  ['李红', '13811110002', '区教育局', '区教育局党委', '锦绣花园', '2号楼', null, '202', null]
]
/** Header aliases: 手机 for 手机号, 小区 for 小区（网格）, 党组织 for 所在党组织; one extra column. */
const ALIASED_HEADER = ['姓名', '手机', '工作单位', '党组织', '小区', '楼栋', '单元', '门牌号', '备注']

const rosterFile = (rows = [...GOOD, ...BAD], options: { sharedStrings?: boolean } = {}) => workbookOf([ALIASED_HEADER, ...rows], options)

async function preview(file: Buffer, who = 'demo-staff', scope = 'c1', kind = 'members', fileName = '名册.xlsx') {
  return cloud.call<ImportPreviewOutput>('members', 'importPreview', { kind, scope, fileName, file: b64(file) }, who)
}
async function confirm(file: Buffer, previewToken: string, who = 'demo-staff', scope = 'c1', kind = 'members', fileName = '名册.xlsx') {
  return cloud.call<ImportConfirmOutput>('members', 'importConfirm', { kind, scope, fileName, file: b64(file), previewToken }, who)
}
const okData = <T>(reply: { ok: boolean; data?: T; error?: { code: string; message: string } }): T => {
  if (!reply.ok) throw new Error(errorOf(reply))
  return reply.data as T
}

describe('在职党员名册', () => {
  let file: Buffer
  let token: string

  it('preview: verdicts and reasons per row, and it writes nothing', async () => {
    file = await rosterFile()
    const before = snapshot()
    const p = okData(await preview(file))
    expect(snapshot()).toBe(before)
    expect(p.counts).toEqual({ created: 5, changed: 0, unchanged: 0, refused: 3 })
    expect(p.scopeName).toBe('东风社区')
    expect(p.imported).toBeNull()
    expect(p.rows.map((r) => [r.rowNo, r.verdict, r.reason ?? ''])).toEqual([
      [2, 'created', ''],
      [3, 'created', ''],
      [4, 'created', ''],
      [5, 'created', ''],
      [6, 'created', ''],
      [7, 'refused', '请输入正确的手机号'],
      [8, 'refused', '楼栋“99号楼”不在锦绣花园'],
      [9, 'refused', '与第3行重复']
    ])
    // Lists mask mobiles.
    expect(p.rows[0].summary).toBe('王建国 · 138****0001 · 锦绣花园1号楼')
    // Even a number refused as a mobile.
    expect(JSON.stringify(p.rows)).not.toMatch(/1381111\d{3}/)
    expect(p.rows[5].summary).toBe('吴刚 · 138****1000')
    token = p.previewToken
    // The same file previewed again: the same token (nothing in it depends on the moment).
    expect(okData(await preview(file)).previewToken).toBe(token)
  })

  it('confirm writes the created rows by deterministic id, records the import and audits it without row contents', async () => {
    const done = okData(await confirm(file, token))
    expect(done).toMatchObject({ already: false, message: '导入完成', counts: { created: 5, changed: 0, unchanged: 0, refused: 3 } })
    const roster = cloud.store.find('memberRoster', { communityId: 'c1' })
    expect(roster.map((r) => r._id).sort()).toEqual(['c1:13811110001', 'c1:13811110002', 'c1:13811110003', 'c1:13811110004', 'c1:13811110005'])
    expect(cloud.store.get('memberRoster', 'c1:13811110001')).toMatchObject({ name: '王建国', workUnit: '区财政局', partyOrg: '区财政局机关党支部', gridId: 'c1g1', gridName: '锦绣花园', buildingId: 'c1g1b1', buildingName: '1号楼', unit: '1', room: '101' })
    expect(cloud.store.get('memberRoster', 'c1:13811110002')).toMatchObject({ name: '李红', buildingId: 'c1g1b2', unit: '', room: '202' })
    expect(cloud.store.get('memberRoster', 'c1:13811110003')).toMatchObject({ name: '赵敏', gridId: 'c1g2', buildingId: 'c1g2b3' })
    expect(cloud.store.get('memberRoster', 'c1:13811110004')).toMatchObject({ name: '孙强', workUnit: '', gridId: '', buildingId: '' })
    const record = cloud.store.get('imports', done.importId)!
    expect(record).toMatchObject({ status: 'done', kind: 'members', scope: 'c1', fileName: '名册.xlsx', by: 'demo-staff' })
    expect(done.importId).toBe(importIdOf('members', 'c1', record.fileHash as string))
    const audits = cloud.store.find('auditLogs', { action: 'members.import' })
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({ actor: 'demo-staff', communityId: 'c1', target: { collection: 'imports', id: done.importId, label: '名册.xlsx' }, detail: { fileHash: record.fileHash, counts: done.counts } })
    expect(JSON.stringify(audits[0])).not.toMatch(/王建国|1381111/)
  })

  it('confirm twice: 此文件已导入 with the earlier result, nothing changes; its preview says so too', async () => {
    const before = snapshot()
    const again = okData(await confirm(file, token))
    expect(again).toMatchObject({ already: true, message: IMPORT_ALREADY, counts: { created: 5, refused: 3 } })
    expect(snapshot()).toBe(before)
    const p = okData(await preview(file))
    expect(p.imported).toMatchObject({ counts: { created: 5, changed: 0, unchanged: 0, refused: 3 }, fileName: '名册.xlsx', byName: '张敏' })
    expect(p.counts).toEqual({ created: 0, changed: 0, unchanged: 5, refused: 3 })
  })

  it('a re-exported file (other bytes, inline strings, rows reordered) changes nothing; a changed cell is one change', async () => {
    const reexported = await rosterFile([...GOOD].reverse(), { sharedStrings: false })
    const p = okData(await preview(reexported))
    expect(p.counts).toEqual({ created: 0, changed: 0, unchanged: 5, refused: 0 })
    const before = snapshot()
    const done = okData(await confirm(reexported, p.previewToken))
    expect(done).toMatchObject({ already: false, counts: { created: 0, changed: 0 } })
    // Only the import record and its audit entry were written.
    const roster = JSON.stringify(cloud.store.find('memberRoster', {}))
    expect(JSON.parse(before).memberRoster.map((d: string) => JSON.parse(d)).sort((a: any, b: any) => a._id.localeCompare(b._id))).toEqual(JSON.parse(roster).sort((a: any, b: any) => a._id.localeCompare(b._id)))

    const moved = GOOD.map((r) => [...r])
    moved[0][2] = '区审计局'
    moved[1][5] = '3号楼'
    const changed = await rosterFile(moved)
    const q = okData(await preview(changed))
    expect(q.counts).toEqual({ created: 0, changed: 2, unchanged: 3, refused: 0 })
    expect(q.rows.filter((r) => r.verdict === 'changed').map((r) => r.fields)).toEqual([['工作单位'], ['楼栋']])
    okData(await confirm(changed, q.previewToken))
    expect(cloud.store.get('memberRoster', 'c1:13811110001')).toMatchObject({ workUnit: '区审计局', partyOrg: '区财政局机关党支部' })
    expect(cloud.store.get('memberRoster', 'c1:13811110002')).toMatchObject({ buildingId: 'c1g1b3', buildingName: '3号楼' })
  })

  it('a stale token: CONFLICT 数据已变化，请重新预览, and nothing is written', async () => {
    const rows: FixtureCell[][] = [['钱进', '13811110021', '区商务局', '区商务局党支部', null, null, null, null, null]]
    const f = await rosterFile(rows)
    const p = okData(await preview(f))
    expect(p.counts.created).toBe(1)
    // Someone else's import creates the same person meanwhile.
    const other = await rosterFile([['钱进', '13811110021', '区发改委', '区发改委党支部', null, null, null, null, null]])
    okData(await confirm(other, okData(await preview(other)).previewToken))
    const before = snapshot()
    expect(errorOf(await confirm(f, p.previewToken))).toBe(`CONFLICT ${IMPORT_STALE}`)
    expect(errorOf(await confirm(f, 'forged-token'))).toBe(`CONFLICT ${IMPORT_STALE}`)
    expect(snapshot()).toBe(before)
    // A fresh preview shows the change and confirms.
    const q = okData(await preview(f))
    expect(q.rows[0]).toMatchObject({ verdict: 'changed', fields: ['工作单位', '所在党组织'] })
    expect(okData(await confirm(f, q.previewToken)).counts.changed).toBe(1)
  })

  it('an import cut short (record `applying`, some rows written) is finished by the same confirm', async () => {
    const rows: FixtureCell[][] = Array.from({ length: 23 }, (_, i) => [`队员${i}`, `1371111${String(i).padStart(4, '0')}`, '区交通局', '区交通局党支部', null, null, null, null, null])
    const f = await rosterFile(rows)
    const p = okData(await preview(f))
    expect(p.counts.created).toBe(23)
    // The state a crash after the first chunk leaves: the record added as `applying`, 10 rows written.
    const first = okData(await confirm(f, p.previewToken))
    const id = first.importId
    cloud.store.updateOne('imports', { _id: id }, { $set: { status: 'applying' }, $unset: { doneAt: '' } })
    for (let i = 10; i < 23; i++) cloud.store.deleteOne('memberRoster', { _id: `c1:1371111${String(i).padStart(4, '0')}` })
    cloud.store.deleteMany('auditLogs', { 'target.id': id })
    expect(cloud.store.count('memberRoster', { workUnit: '区交通局' })).toBe(10)

    // A preview now shows what is left (13 rows) and no earlier import (it is not done).
    const left = okData(await preview(f))
    expect(left.counts).toEqual({ created: 13, changed: 0, unchanged: 10, refused: 0 })
    expect(left.imported).toBeNull()
    // A rerun with a token of neither that preview nor the confirmed one is refused; with the confirmed one it finishes.
    expect(errorOf(await confirm(f, token))).toBe(`CONFLICT ${IMPORT_STALE}`)
    const rerun = okData(await confirm(f, p.previewToken))
    expect(rerun).toMatchObject({ already: false, importId: id, counts: { created: 23 } })
    expect(cloud.store.count('memberRoster', { workUnit: '区交通局' })).toBe(23)
    expect(cloud.store.get('imports', id)).toMatchObject({ status: 'done' })
    expect(cloud.store.count('auditLogs', { 'target.id': id })).toBe(1)
    expect(okData(await confirm(f, p.previewToken))).toMatchObject({ already: true, message: IMPORT_ALREADY })

    // Cut short again, and the page reloaded (the confirmed token is lost): a new preview's token finishes it.
    cloud.store.updateOne('imports', { _id: id }, { $set: { status: 'applying' }, $unset: { doneAt: '' } })
    cloud.store.deleteOne('memberRoster', { _id: 'c1:13711110022' })
    const fresh = okData(await preview(f))
    expect(fresh.counts).toMatchObject({ created: 1, unchanged: 22 })
    expect(okData(await confirm(f, fresh.previewToken))).toMatchObject({ already: false, importId: id, counts: { created: 23 } })
    expect(cloud.store.count('memberRoster', { workUnit: '区交通局' })).toBe(23)
    expect(cloud.store.get('imports', id)).toMatchObject({ status: 'done' })
  })
})

describe('楼栋住户', () => {
  it('households by building; the building must be in the community, named with its compound when ambiguous', async () => {
    const header = ['小区', '楼号', '单元', '房号', '姓名', '联系电话']
    const f = await workbookOf([
      header,
      ['锦绣花园', '1号楼', 1, 101, '刘一', '13911110001'],
      ['锦绣花园', '1号楼', 1, 101, '刘二', null],
      ['锦绣花园', '99号楼', 1, 101, '陈三', null],
      [null, '1号楼', 2, 201, '陈四', null],
      ['锦绣花园', '1号楼', 1, 101, '刘一', '13911110009'],
      ['幸福小区', '1号楼', 1, 101, '陈五', null]
    ])
    const before = snapshot()
    const p = okData(await preview(f, 'demo-staff', 'c1', 'residents', '住户.xlsx'))
    expect(snapshot()).toBe(before)
    expect(p.rows.map((r) => [r.verdict, r.reason ?? ''])).toEqual([
      ['created', ''],
      ['created', ''],
      ['refused', '楼栋“99号楼”不在锦绣花园'],
      ['refused', expect.stringMatching(/^本社区有\d+个“1号楼”，请填写小区$/)],
      ['refused', '与第2行重复'],
      ['refused', '小区“幸福小区”不在本社区']
    ])
    okData(await confirm(f, p.previewToken, 'demo-staff', 'c1', 'residents', '住户.xlsx'))
    expect(cloud.store.get('residentRoster', 'c1g1b1:1:101:刘一')).toMatchObject({ communityId: 'c1', buildingId: 'c1g1b1', gridName: '锦绣花园', mobile: '13911110001' })
    expect(cloud.store.get('residentRoster', 'c1g1b1:1:101:刘二')).toMatchObject({ mobile: '' })
    expect(cloud.store.find('auditLogs', { action: 'members.import', 'detail.kind': 'residents' })).toHaveLength(1)
  })
})

describe('access, scope and hostile files', () => {
  it('c1 staff cannot import into c2, c2 staff not into c1; residents are refused; the district admin may', async () => {
    const f = await rosterFile(GOOD.slice(0, 1))
    expect(errorOf(await preview(f, 'demo-staff', 'c2'))).toBe('FORBIDDEN 仅本社区工作人员可导入')
    expect(errorOf(await preview(f, 'demo-staff-2', 'c1'))).toBe('FORBIDDEN 仅本社区工作人员可导入')
    expect(errorOf(await preview(f, 'demo-resident', 'c1'))).toMatch(/^FORBIDDEN/)
    expect(errorOf(await cloud.call('members', 'importPreview', { kind: 'members', scope: 'c1', fileName: 'x.xlsx', file: b64(f) }))).toMatch(/^UNAUTHENTICATED/)
    const p = okData(await preview(f, 'demo-admin', 'c1'))
    // A token from c1 cannot confirm into c2 (the staff of c1 is refused before; the admin gets a stale token).
    expect(errorOf(await confirm(f, p.previewToken, 'demo-staff', 'c2'))).toBe('FORBIDDEN 仅本社区工作人员可导入')
    expect(errorOf(await confirm(f, p.previewToken, 'demo-admin', 'c2'))).toBe(`CONFLICT ${IMPORT_STALE}`)
    expect(errorOf(await preview(f, 'demo-admin', 'c99'))).toBe('NOT_FOUND 社区不存在')
  })

  it('a PC signed in by scan imports as its staff member; an anonymous PC cannot', async () => {
    const s = await cloud.ok('auth', 'deskStart', { ua: 'imports-test' }, anonymousWeb('10.9.0.1'))
    await cloud.ok('auth', 'deskScan', { scene: s.scene }, 'demo-staff')
    await cloud.ok('auth', 'deskConfirm', { scene: s.scene }, 'demo-staff')
    await cloud.ok('auth', 'deskPoll', { sid: s.sid, pollSecret: s.pollSecret }, anonymousWeb())
    const f = await rosterFile(GOOD.slice(0, 2))
    const reply = await cloud.call<ImportPreviewOutput>('members', 'importPreview', { kind: 'members', scope: 'c1', fileName: 'pc.xlsx', file: b64(f) }, asDesk(s.sid))
    expect(okData(reply).counts.refused).toBe(0)
    const c2 = await cloud.call('members', 'importPreview', { kind: 'members', scope: 'c2', fileName: 'pc.xlsx', file: b64(f) }, asDesk(s.sid))
    expect(errorOf(c2)).toBe('FORBIDDEN 仅本社区工作人员可导入')
    const anon = await cloud.call('members', 'importPreview', { kind: 'members', scope: 'c1', fileName: 'pc.xlsx', file: b64(f) }, anonymousWeb())
    expect(errorOf(anon)).toMatch(/^UNAUTHENTICATED/)
  })

  it('hostile and malformed files are INVALID_INPUT with Chinese messages, and write nothing', async () => {
    const before = snapshot()
    expect(errorOf(await preview(xlsFile()))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.xls}`)
    const doctype = packageWith('<!DOCTYPE x [<!ENTITY a "b">]>' + sheetXmlOf('<row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row>'))
    expect(errorOf(await preview(doctype))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.doctype}`)
    const many = await workbookOf([MEMBER_HEADER, ...Array.from({ length: 2001 }, (_, i) => [`人${i}`, `1380000${String(i).padStart(4, '0')}`])])
    expect(errorOf(await preview(many))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.tooManyRows}`)
    expect(errorOf(await preview(await workbookOf([['姓名', '工作单位'], ['张三', '区财政局']])))).toBe('INVALID_INPUT 表格缺少列：手机号（第一行应为列名）')
    expect(errorOf(await preview(await workbookOf([MEMBER_HEADER])))).toBe('INVALID_INPUT 表格除列名外没有数据')
    const reply = await cloud.call('members', 'importPreview', { kind: 'members', scope: 'c1', fileName: 'x.xlsx', file: 'not base64!' }, 'demo-staff')
    expect(errorOf(reply)).toBe('INVALID_INPUT 文件内容无效，请重新选择文件')
    // The contract's own messages: a file over 1.4 MB (as base64), no file, no kind.
    const big = await cloud.call('members', 'importPreview', { kind: 'members', scope: 'c1', fileName: 'x.xlsx', file: 'A'.repeat(IMPORT_FILE_MAX_BASE64 + 4) }, 'demo-staff')
    expect(errorOf(big)).toContain(IMPORT_FILE_TOO_LARGE)
    expect(errorOf(await cloud.call('members', 'importPreview', { kind: 'members', scope: 'c1', fileName: 'x.xlsx' }, 'demo-staff'))).toContain('请选择要导入的文件')
    expect(errorOf(await cloud.call('members', 'importPreview', { kind: 'teamMembers', scope: 'c1', fileName: 'x.xlsx', file: 'UEsDBA==' }, 'demo-staff'))).toContain('请选择导入类型')
    expect(errorOf(await cloud.call('members', 'importConfirm', { kind: 'members', scope: 'c1', fileName: 'x.xlsx', file: 'UEsDBA==' }, 'demo-staff'))).toContain('请先预览')
    expect(snapshot()).toBe(before)
  })

  it('2,000 rows preview and confirm within the function timeout', async () => {
    const rows: FixtureCell[][] = Array.from({ length: 2000 }, (_, i) => [`批量${i}`, `1350000${String(i).padStart(4, '0')}`, '区统计局', '区统计局党支部', null, null, null, null, null])
    const f = await rosterFile(rows)
    const { reply, stats } = await cloud.callWithStats<ImportPreviewOutput>('members', 'importPreview', { kind: 'members', scope: 'c1', fileName: 'big.xlsx', file: b64(f) }, 'demo-staff')
    const p = okData(reply)
    expect(p.counts.created).toBe(2000)
    expect(stats.outcome).toBe('ok')
    // Preview: the caller, the community with its places and the import record, and 20 `_.in` reads of 100 ids (in parallel).
    expect(stats.dbRequests).toBeLessThanOrEqual(25)
    const done = await cloud.callWithStats<ImportConfirmOutput>('members', 'importConfirm', { kind: 'members', scope: 'c1', fileName: 'big.xlsx', file: b64(f), previewToken: p.previewToken }, 'demo-staff')
    expect(okData(done.reply).counts.created).toBe(2000)
    // Confirm: the preview's reads, the record, one write per row (10 at a time: 200 waves), done, audit.
    expect(done.stats.dbRequests).toBeLessThanOrEqual(25 + 2000 + 3)
    expect(done.stats.timeoutMs).toBe(60_000)
    expect(cloud.store.count('memberRoster', { workUnit: '区统计局' })).toBe(2000)
  })
})

describe('志愿队成员 (teams)', () => {
  const tPreview = (file: Buffer, teamId: string, who = 'demo-staff') => cloud.call<ImportPreviewOutput>('teams', 'importPreview', { kind: 'teamMembers', scope: teamId, fileName: '队员.xlsx', file: b64(file) }, who)
  const tConfirm = (file: Buffer, teamId: string, previewToken: string, who = 'demo-staff') =>
    cloud.call<ImportConfirmOutput>('teams', 'importConfirm', { kind: 'teamMembers', scope: teamId, fileName: '队员.xlsx', file: b64(file), previewToken }, who)

  it('volunteers by number join the team through the guarded addMember path; removed ones join again', async () => {
    const team = await cloud.ok<{ _id: string }>('teams', 'create', { name: '导入测试应急突击队', type: 'emergency', communityId: 'c1' }, 'demo-staff')
    const v = (no: string) => cloud.store.findOne('volunteers', { volunteerNo: no })!
    const [a, b, c] = [v('SFQ000001'), v('SFQ000002'), v('SFQ000003')]
    const f = await workbookOf([
      ['编号', '姓名', '备注'],
      [a.volunteerNo, a.name, null],
      [b.volunteerNo.toLowerCase(), null, null],
      [c.volunteerNo, '不是本人', null],
      ['SFQ999999', '无此人', null],
      [a.volunteerNo, null, null]
    ])
    const before = snapshot()
    const p = okData(await tPreview(f, team._id))
    expect(snapshot()).toBe(before)
    expect(p.scopeName).toBe('导入测试应急突击队')
    expect(p.rows.map((r) => [r.verdict, r.reason ?? ''])).toEqual([
      ['created', ''],
      ['created', ''],
      ['refused', `姓名与志愿者编号不符（编号${c.volunteerNo}的志愿者不是不是本人）`],
      ['refused', '志愿者编号不存在'],
      ['refused', '与第2行重复']
    ])
    expect(errorOf(await tPreview(f, team._id, 'demo-staff-2'))).toBe('FORBIDDEN 仅本社区工作人员可操作')
    const done = okData(await tConfirm(f, team._id, p.previewToken))
    expect(done.counts).toEqual({ created: 2, changed: 0, unchanged: 0, refused: 3 })
    expect(cloud.store.get('teamMembers', `${team._id}:${a._id}`)).toMatchObject({ status: 'active', role: 'member', volunteerNo: a.volunteerNo })
    expect(cloud.store.get('teams', team._id)).toMatchObject({ memberCount: 2 })
    expect(cloud.store.find('auditLogs', { action: 'teams.import' })).toHaveLength(1)
    expect(okData(await tConfirm(f, team._id, p.previewToken))).toMatchObject({ already: true, message: IMPORT_ALREADY })
    expect(cloud.store.get('teams', team._id)).toMatchObject({ memberCount: 2 })

    await cloud.ok('teams', 'removeMember', { teamId: team._id, openid: b._id, reason: '测试移出' }, 'demo-staff')
    const again = await workbookOf([['志愿者编号'], [a.volunteerNo], [b.volunteerNo]])
    const q = okData(await tPreview(again, team._id))
    expect(q.rows.map((r) => [r.verdict, r.fields ?? []])).toEqual([
      ['unchanged', []],
      ['changed', ['重新加入']]
    ])
    okData(await tConfirm(again, team._id, q.previewToken))
    expect(cloud.store.get('teamMembers', `${team._id}:${b._id}`)).toMatchObject({ status: 'active' })
    expect(cloud.store.get('teams', team._id)).toMatchObject({ memberCount: 2 })
  })

  it('an unknown team is NOT_FOUND; a disbanded one CONFLICT; a resident is refused', async () => {
    const f = await workbookOf([['志愿者编号'], ['SFQ000001']])
    expect(errorOf(await tPreview(f, 'tm-none'))).toBe('NOT_FOUND 队伍不存在')
    expect(errorOf(await tPreview(f, 'tm0001', 'demo-resident'))).toMatch(/^FORBIDDEN/)
    const team = await cloud.ok<{ _id: string }>('teams', 'create', { name: '将撤销的工作队', type: 'emergency', communityId: 'c1' }, 'demo-staff')
    await cloud.ok('teams', 'disband', { teamId: team._id, reason: '测试撤销' }, 'demo-staff')
    expect(errorOf(await tPreview(f, team._id))).toBe('CONFLICT 队伍已撤销')
  })
})
