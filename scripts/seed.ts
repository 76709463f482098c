/**
 * `npm run seed -- --scale N [--data-dir DIR]`: rebuilds the local data folder with the demo
 * district at N times the seed document's size (for load tests). Deletes what the folder held.
 */
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createHost } from '../emulator/host'
import { seedDemo } from '../emulator/seed'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

async function main() {
  const scale = Number(arg('scale') ?? 1)
  if (!Number.isInteger(scale) || scale < 1 || scale > 100) throw new Error('--scale must be a whole number from 1 to 100')
  const dataDir = resolve(arg('data-dir') ?? process.env.DATA_DIR ?? join(__dirname, '..', '.data'))
  rmSync(dataDir, { recursive: true, force: true })
  process.env.HONGLIN_PLATFORM = 'local'
  process.env.HONGLIN_DATA_DIR = dataDir
  const started = Date.now()
  const host = createHost({ dataDir })
  await seedDemo(host.store, { scale })
  await host.close()
  console.log(`seeded ${dataDir} at scale ${scale} in ${Date.now() - started} ms`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
