/**
 * The local cloud: `npm start` runs this after building H5. Serves dist/h5 and the cloud functions
 * at http://127.0.0.1:8080 (PORT), with a durable store in .data/ (DATA_DIR), seeded with the demo
 * district on first start (SEED_SCALE, default 1).
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { AdmissionLimits } from './admission'
import { createHost } from './host'
import { createHttpServer } from './http'
import { seedDemo } from './seed'
import { PERSONA_LINES } from './seed/personas'
import { declaredTimers, startTimers } from './timers'

const root = resolve(__dirname, '..')
const port = Number(process.env.PORT || 8080)
const bind = process.env.HOST || '127.0.0.1'
const dataDir = resolve(process.env.DATA_DIR || join(root, '.data'))
const publicUrl = process.env.PUBLIC_URL || `http://${bind === '0.0.0.0' ? '127.0.0.1' : bind}:${port}`

async function main() {
  mkdirSync(dataDir, { recursive: true })
  process.env.HONGLIN_PLATFORM = 'local'
  process.env.HONGLIN_DATA_DIR = dataDir
  process.env.HONGLIN_PUBLIC_URL = publicUrl
  const host = createHost({ dataDir })
  if (host.store.count('users') === 0) {
    const scale = Number(process.env.SEED_SCALE || 1)
    const started = Date.now()
    await seedDemo(host.store, { scale })
    console.log(`seeded the demo district (scale ${scale}) in ${Date.now() - started} ms`)
  }
  collectStartupGarbage()
  const staticDir = join(root, 'dist', 'h5')
  if (!existsSync(join(staticDir, 'index.html'))) console.warn('dist/h5 is missing: run `npm run build:h5` (npm start does it) to serve the app')
  // One line per function call (its cost: wall time and database round trips); EMULATOR_LOG=off silences it.
  const log = /^(off|0|false|no)$/i.test(process.env.EMULATOR_LOG ?? '') ? undefined : (line: string) => console.log(line)
  const server = createHttpServer({ host, staticDir, filesDir: join(dataDir, 'files'), log, admission: admissionFromEnv() })
  server.listen(port, bind, () => {
    console.log(`\n红邻 local cloud: ${publicUrl}`)
    console.log(`  data: ${dataDir}`)
    console.log(`  functions: POST ${publicUrl}/api/functions/<name>  (header x-openid: <openid>, or Authorization: Bearer <access_token>)`)
    console.log(`  web sign-in (CloudBase auth, emulator/cloudbaseAuth.ts): POST ${publicUrl}/api/auth/anonymous | /api/auth/signin/custom {ticket} | /api/auth/refresh {refresh_token} | /api/auth/signout (bearer)`)
    console.log(`  custom-login key: ${join(dataDir, 'custom-login-key.json')} (given to functions as HONGLIN_CUSTOM_LOGIN_KEY; tokens live until the emulator stops)`)
    const latency = process.env.EMULATOR_DB_LATENCY_MS
    if (latency) console.log(`  database round trip latency: ${latency} ms (EMULATOR_DB_LATENCY_MS)`)
    const limits = server.admission?.limits
    if (limits) console.log(`  overload: ${limits.maxInFlight} calls run at once, ${limits.maxQueue} wait up to ${limits.maxQueueWaitMs} ms, the rest get 503 RATE_LIMITED`)
    console.log('  each reply carries x-db-requests (its database round trips); each call is logged below')
    console.log('  demo personas (pick one on the sign-in page):')
    for (const line of PERSONA_LINES) console.log(`    ${line}`)
  })
  // The timer triggers of cloudfunctions/*/config.json (message delivery, sweeps, pushes) on their
  // schedule, as the cloud fires them; EMULATOR_TIMERS=off switches them off.
  const timersOff = /^(off|0|false|no)$/i.test(process.env.EMULATOR_TIMERS ?? '')
  const stopTimers = timersOff ? () => undefined : startTimers(declaredTimers(join(root, 'cloudfunctions')), (fn, event) => host.invoke(fn, event))
  if (!timersOff) console.log('  timer triggers of cloudfunctions/*/config.json fire on schedule (EMULATOR_TIMERS=off: none)')
  const stop = () => {
    stopTimers()
    server.close(() => host.close().then(() => process.exit(0)))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

/**
 * Loading the store (and seeding) leaves much garbage in the old generation: collected now, the
 * full collection it calls for does not pause the first calls served instead.
 */
function collectStartupGarbage(): void {
  try {
    setFlagsFromString('--expose-gc')
    ;(runInNewContext('gc') as () => void)()
  } catch {
    /* only a pause saved */
  }
}

/**
 * EMULATOR_MAX_IN_FLIGHT (calls running at once; `off`: no limit), EMULATOR_MAX_QUEUE (calls
 * waiting) and EMULATOR_QUEUE_WAIT_MS (longest wait): emulator/admission.ts, DEFAULT_ADMISSION.
 */
function admissionFromEnv(): Partial<AdmissionLimits> | false {
  if (/^(off|0|false|no)$/i.test(process.env.EMULATOR_MAX_IN_FLIGHT ?? '')) return false
  const limits: Partial<AdmissionLimits> = {}
  const read = (key: keyof AdmissionLimits, name: string) => {
    const raw = process.env[name]
    if (raw === undefined || raw === '') return
    const value = Number(raw)
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`)
    limits[key] = value
  }
  read('maxInFlight', 'EMULATOR_MAX_IN_FLIGHT')
  read('maxQueue', 'EMULATOR_MAX_QUEUE')
  read('maxQueueWaitMs', 'EMULATOR_QUEUE_WAIT_MS')
  return limits
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
