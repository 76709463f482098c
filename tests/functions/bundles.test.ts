/**
 * The deployable bundles (cloudfunctions/<fn>/index.js, what WeChat DevTools uploads) answer as the
 * TypeScript does. Every other function test loads index.ts; this one loads the esbuild output, so
 * what scripts/build-functions.mjs leaves out of a bundle (zod's locales, htmlparser2's DomUtils,
 * the emulator's platform) or minifies cannot break a deployed function unnoticed. The script
 * builds every bundle afresh into a folder of its own under the repo (so `wx-server-sdk` resolves
 * from node_modules, as the cloud installs it from the function's package.json), with esbuild's
 * metafile beside each, and the emulator's host serves them.
 *
 * A bundle carries no emulator code: server/platform/index.ts's `./local` is built as
 * server/platform/hosted.ts, which takes the local platform from the host. So here the host's side
 * installs it (globalThis[HOSTED_PLATFORM]) before the first call, as the emulator would.
 */
import ExcelJS from 'exceljs'
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createHost, type Host } from '../../emulator/host'
import { seedDemo } from '../../emulator/seed'
import { HOSTED_PLATFORM } from '../../server/platform/hosted'
import { localPlatform } from '../../server/platform/local'

const root = resolve(__dirname, '../..')
const functionsDir = join(root, 'cloudfunctions')
const names = readdirSync(functionsDir).filter((name) => existsSync(join(functionsDir, name, 'index.ts')))
const bundleDir = join(root, '.data', `bundles-${process.pid}`)

/** Issue #15: a bundle's bytes are cold-start time. */
const BUNDLE_BUDGET_BYTES = 600 * 1024
/** Inputs no bundle may hold (esbuild metafile paths, relative to the repo). */
const FORBIDDEN: [string, RegExp][] = [
  ['exceljs (server/xlsx writes the workbooks)', /node_modules\/exceljs\//],
  ["qrcode's PNG renderer (server/platform/qr.ts writes the PNG)", /node_modules\/(pngjs\/|qrcode\/lib\/(?!core\/))/],
  ['the emulator', /^emulator\//],
  // External like wx-server-sdk (which requires the same version itself): each package.json names it.
  ['@cloudbase/node-sdk', /node_modules\/@cloudbase\//],
  ["the emulator's platform", /^server\/platform\/local\.ts$/]
]

interface Metafile {
  inputs: Record<string, { bytes: number }>
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>
}
const metafileOf = (name: string): Metafile => JSON.parse(readFileSync(join(bundleDir, name, 'meta.json'), 'utf8'))

/** One action per function (reads, except notices.publish: it runs the htmlparser2 sanitiser), and who may call it. */
const probes: Record<string, { action: string; input?: object; openid: string }> = {
  activities: { action: 'list', openid: 'demo-member' },
  auth: { action: 'mySessions', openid: 'demo-staff' },
  centers: { action: 'list', openid: 'demo-resident' },
  companies: { action: 'list', openid: 'demo-admin' },
  members: { action: 'stats', openid: 'demo-staff' },
  notices: {
    action: 'publish',
    input: { title: '楼道清理通知', category: 'community', body: '<h2>本周六</h2><p>清理<b>楼道堆物</b>，<a href="https://example.cn/x">详情</a></p><script>alert(1)</script>', audience: { communityIds: ['c1'] } },
    openid: 'demo-staff'
  },
  qrcodes: { action: 'community', input: { communityId: 'c1' }, openid: 'demo-staff' },
  reports: { action: 'dashboard', input: { from: '2026-11-01', to: '2026-11-30' }, openid: 'demo-admin' },
  teams: { action: 'list', openid: 'demo-member' },
  tickets: { action: 'list', input: { scope: 'mine' }, openid: 'demo-resident' },
  users: { action: 'me', openid: 'demo-resident' },
  wishes: { action: 'list', openid: 'demo-resident' }
}

let host: Host
beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-functions.mjs'), '--out', bundleDir], { cwd: root, stdio: 'pipe' })
  for (const name of names) copyFileSync(join(functionsDir, name, 'config.json'), join(bundleDir, name, 'config.json'))
  ;(globalThis as Record<symbol, unknown>)[HOSTED_PLATFORM] = localPlatform
  process.env.HONGLIN_PLATFORM = 'local'
  process.env.HONGLIN_DATA_DIR = join(bundleDir, 'data')
  host = createHost({ functionsDir: bundleDir, inMemory: true })
  await seedDemo(host.store, { scale: 1, now: new Date() })
}, 180_000)
afterAll(async () => {
  delete (globalThis as Record<symbol, unknown>)[HOSTED_PLATFORM]
  await host?.close()
  rmSync(bundleDir, { recursive: true, force: true })
})

test('every function has a probe', () => {
  expect(Object.keys(probes).sort()).toEqual([...names].sort())
})

test.each(names)('the %s bundle answers a real call', async (name) => {
  const { action, input, openid } = probes[name]
  const reply = (await host.invoke(name, { action, ...input }, openid)) as { ok: boolean; error?: unknown }
  expect(reply.error).toBeUndefined()
  expect(reply.ok).toBe(true)
})

test('a bundle still parses input with the contract and answers in Chinese', async () => {
  const reply = (await host.invoke('notices', { action: 'list', page: 0 }, 'demo-resident')) as { ok: boolean; error: { code: string; message: string } }
  expect(reply.ok).toBe(false)
  expect(reply.error.code).toBe('INVALID_INPUT')
  expect(reply.error.message).toMatch(/[\u4e00-\u9fa5]/)
})

test.each(names)('the %s bundle is within 600 KB', (name) => {
  expect(statSync(join(bundleDir, name, 'index.js')).size).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES)
})

test.each(names)('the %s bundle holds no exceljs, no QR renderer and no emulator code', (name) => {
  const inputs = Object.keys(metafileOf(name).inputs)
  expect(inputs).toContain('server/core/function.ts')
  for (const [what, pattern] of FORBIDDEN) expect({ what, found: inputs.filter((input) => pattern.test(input)) }).toEqual({ what, found: [] })
  const text = readFileSync(join(bundleDir, name, 'index.js'), 'utf8')
  expect(text).not.toContain('HONGLIN_LOCAL_RISKY_MEDIA')
})

test('every function declares @cloudbase/node-sdk next to wx-server-sdk (kept out of the bundles, installed by the cloud)', () => {
  const wxServerSdk = JSON.parse(readFileSync(join(root, 'node_modules', 'wx-server-sdk', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  for (const name of names) {
    const pkg = JSON.parse(readFileSync(join(functionsDir, name, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    // The version wx-server-sdk requires, so the cloud's npm keeps one copy.
    expect({ name, nodeSdk: pkg.dependencies['@cloudbase/node-sdk'] }).toEqual({ name, nodeSdk: wxServerSdk.dependencies['@cloudbase/node-sdk'] })
  }
})

test('the auth bundle signs a PC in by scan, and the PC is then the staff member in another bundle', async () => {
  const pc = { web: { uid: 'tcbu-bundle', anonymous: true }, clientIp: '198.51.100.9' }
  type R = { ok: boolean; data: any; error?: unknown }
  const started = (await host.invoke('auth', { action: 'deskStart', ua: 'bundle test' }, pc)) as R
  expect(started.error).toBeUndefined()
  const { sid, pollSecret, scene } = started.data
  expect(((await host.invoke('auth', { action: 'deskScan', scene }, 'demo-staff')) as R).ok).toBe(true)
  expect(((await host.invoke('auth', { action: 'deskConfirm', scene }, 'demo-staff')) as R).ok).toBe(true)
  const polled = (await host.invoke('auth', { action: 'deskPoll', sid, pollSecret }, pc)) as R
  expect(polled.error).toBeUndefined()
  expect(polled.data.ticket.split('/@@/')).toHaveLength(2)
  const me = (await host.invoke('users', { action: 'me' }, { web: { uid: 'tcbu-bundle-2', customUserId: sid, anonymous: false } })) as R
  expect(me.data.openid).toBe('demo-staff')
})

test('the workbook functions bundle the xlsx writer, and only they do', () => {
  const writers = names.filter((name) => Object.keys(metafileOf(name).inputs).includes('server/xlsx/index.ts'))
  expect(writers.sort()).toEqual(['centers', 'members', 'reports'])
})

test('a bundle writes a workbook exceljs reads back (the members export)', async () => {
  const reply = (await host.invoke('members', { action: 'export', status: 'approved' }, 'demo-staff')) as { ok: boolean; data: { fileID: string; rows: number } }
  expect(reply.ok).toBe(true)
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(join(bundleDir, 'data', 'files', reply.data.fileID.replace('local://', '')))
  expect(workbook.worksheets[0].rowCount).toBe(reply.data.rows + 1)
  expect(workbook.worksheets[0].getRow(1).getCell(2).value).toBe('姓名')
})

test('a deployed bundle refuses HONGLIN_PLATFORM=local when no host installed the local platform', async () => {
  const installed = (globalThis as Record<symbol, unknown>)[HOSTED_PLATFORM]
  delete (globalThis as Record<symbol, unknown>)[HOSTED_PLATFORM]
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined)
  try {
    const reply = (await host.invoke('qrcodes', { action: 'community', communityId: 'c2' }, 'demo-staff-2')) as { ok: boolean; error?: { code: string } }
    expect(reply.ok).toBe(false)
    expect(logged.mock.calls.flat().map(String).join('\n')).toContain('HONGLIN_PLATFORM=local, but this is a deployed bundle')
  } finally {
    logged.mockRestore()
    ;(globalThis as Record<symbol, unknown>)[HOSTED_PLATFORM] = installed
  }
})
