/**
 * Durability: every write acknowledged through the SDK survives a kill -9 of the process.
 * A child process (node with tsx) writes through a file-backed host and reports each acknowledgement; the
 * test kills it mid-stream, reopens the data folder and finds every acknowledged write.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createHost } from '../../emulator/host'
import { TEST_COLLECTIONS } from './support'

const ROOT = join(__dirname, '..', '..')
const WRITER = join(__dirname, 'fixtures', 'durable-writer.ts')

jest.setTimeout(60_000)

test('acknowledged writes survive kill -9', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'emulator-durable-'))
  try {
    // `node --import tsx` (not the tsx CLI, which runs the script in a grandchild): the SIGKILL
    // must hit the writing process itself.
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], { cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 45_000)
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const added: string[] = []
    let lastInc = 0
    let lastTx = -1
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [kind, value] = line.split(' ')
      if (kind === 'add') added.push(value)
      if (kind === 'inc') lastInc = Number(value)
      if (kind === 'tx') lastTx = Number(value)
      if (added.length === 300) child.kill('SIGKILL')
    })
    const signal = await exited
    clearTimeout(watchdog)
    if (signal !== 'SIGKILL' || added.length < 300) throw new Error(`writer ended before the kill (${signal}): ${stderr}`)

    const host = createHost({ dataDir, collections: TEST_COLLECTIONS })
    try {
      const missing = added.filter((id) => host.store.get('durable', id) === null)
      expect(missing).toEqual([])
      expect(host.store.get('counter', 'c')?.n).toBeGreaterThanOrEqual(lastInc)
      for (let i = 0; i <= lastTx; i++) {
        expect(host.store.get('pairs', `a${i}`)).not.toBeNull()
        expect(host.store.get('pairs', `b${i}`)).not.toBeNull()
      }
      // A transaction is all or nothing even when the kill lands mid-stream.
      const a = host.store.count('pairs', { _id: { $regex: '^a' } })
      const b = host.store.count('pairs', { _id: { $regex: '^b' } })
      expect(a).toBe(b)
    } finally {
      await host.close()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})
