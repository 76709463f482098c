/**
 * The deployable bundles (cloudfunctions/<fn>/index.js, what WeChat DevTools uploads) answer as the
 * TypeScript does. Every other function test loads index.ts; this one loads the esbuild output, so
 * what scripts/build-functions.mjs leaves out of a bundle (zod's locales, htmlparser2's DomUtils)
 * or minifies cannot break a deployed function unnoticed. Each bundle is copied into a folder of
 * its own under the repo (so `wx-server-sdk` resolves from node_modules, as the cloud installs it
 * from the function's package.json) and served by the emulator's host.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createHost, type Host } from '../../emulator/host'
import { seedDemo } from '../../emulator/seed'

const root = resolve(__dirname, '../..')
const functionsDir = join(root, 'cloudfunctions')
const names = readdirSync(functionsDir).filter((name) => existsSync(join(functionsDir, name, 'index.ts')))
const bundleDir = join(root, '.data', `bundles-${process.pid}`)

/** One action per function (reads, except notices.publish: it runs the htmlparser2 sanitiser), and who may call it. */
const probes: Record<string, { action: string; input?: object; openid: string }> = {
  activities: { action: 'list', openid: 'demo-member' },
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
  // npm test builds the bundles first; alone, this test builds any that are missing or older than
  // the build script.
  const script = join(root, 'scripts', 'build-functions.mjs')
  const stale = names.filter((name) => {
    const bundle = join(functionsDir, name, 'index.js')
    return !existsSync(bundle) || statSync(bundle).mtimeMs < statSync(script).mtimeMs
  })
  if (stale.length) execFileSync(process.execPath, [script, ...stale], { cwd: root, stdio: 'ignore' })
  for (const name of names) {
    mkdirSync(join(bundleDir, name), { recursive: true })
    for (const file of ['index.js', 'config.json']) copyFileSync(join(functionsDir, name, file), join(bundleDir, name, file))
  }
  process.env.HONGLIN_PLATFORM = 'local'
  process.env.HONGLIN_DATA_DIR = join(bundleDir, 'data')
  host = createHost({ functionsDir: bundleDir, inMemory: true })
  await seedDemo(host.store, { scale: 1, now: new Date() })
}, 120_000)
afterAll(async () => {
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
