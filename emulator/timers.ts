/**
 * The cloud's timer triggers on the local cloud (`npm start`): every trigger declared in
 * cloudfunctions/<fn>/config.json fires on its schedule, as `{ Type: 'Timer', TriggerName, Time }`
 * with no user, like the cloud calls it. A failing run is logged, never stops the server.
 * EMULATOR_TIMERS=off switches them off (tests and the H5 e2e run do not use this file: they build
 * their own server and drive timers explicitly).
 *
 * The cron form is WeChat's 7 fields (second minute hour day month weekday year). Supported: `*`, a
 * number, `*\/n` and comma lists in the second, minute and hour fields; `*` elsewhere (the forms
 * the functions use). Anything else is refused at start, naming the trigger.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface TimerTrigger {
  fn: string
  name: string
  config: string
}

type Field = (value: number) => boolean

function field(spec: string, max: number, where: string): Field {
  if (spec === '*') return () => true
  const parts = spec.split(',').map((part) => {
    const step = /^\*\/(\d+)$/.exec(part)
    if (step && Number(step[1]) > 0) return (v: number) => v % Number(step[1]) === 0
    if (/^\d+$/.test(part) && Number(part) <= max) return (v: number) => v === Number(part)
    throw new Error(`${where}: unsupported cron field "${spec}"`)
  })
  return (v) => parts.some((p) => p(v))
}

/** When a 7-field cron expression fires (local time, second resolution). */
export function cronMatcher(config: string, where = 'timer'): (at: Date) => boolean {
  const fields = config.trim().split(/\s+/)
  if (fields.length !== 7) throw new Error(`${where}: a timer's config has 7 fields (second minute hour day month weekday year): "${config}"`)
  const [second, minute, hour, ...rest] = fields
  if (rest.some((f) => f !== '*')) throw new Error(`${where}: only "*" is supported for day, month, weekday and year: "${config}"`)
  const s = field(second, 59, where)
  const m = field(minute, 59, where)
  const h = field(hour, 23, where)
  return (at) => s(at.getSeconds()) && m(at.getMinutes()) && h(at.getHours())
}

/** Every timer trigger declared under `functionsDir`. */
export function declaredTimers(functionsDir: string): TimerTrigger[] {
  const out: TimerTrigger[] = []
  for (const entry of readdirSync(functionsDir, { withFileTypes: true })) {
    const file = join(functionsDir, entry.name, 'config.json')
    if (!entry.isDirectory() || !existsSync(file)) continue
    const config = JSON.parse(readFileSync(file, 'utf8')) as { triggers?: { name: string; type: string; config: string }[] }
    // WeChat's rule (config.json `triggers`: "目前仅支持一个触发器"): the emulator is never kinder than the cloud.
    if ((config.triggers ?? []).length > 1) throw new Error(`cloudfunctions/${entry.name}/config.json: a cloud function has at most ONE trigger (WeChat), found ${config.triggers!.length}`)
    for (const t of config.triggers ?? []) if (t.type === 'timer') out.push({ fn: entry.name, name: t.name, config: t.config })
  }
  return out
}

/**
 * Fires the triggers on their schedule through `invoke` (no openid). A run still going when its
 * next time comes is not started twice. Returns a stop function.
 */
export function startTimers(
  triggers: TimerTrigger[],
  invoke: (fn: string, event: object) => Promise<unknown>,
  log: (line: string) => void = (line) => console.log(line)
): () => void {
  const scheduled = triggers.map((t) => ({ ...t, due: cronMatcher(t.config, `cloudfunctions/${t.fn}/config.json trigger ${t.name}`), running: false }))
  let last = Math.floor(Date.now() / 1000)
  const tick = () => {
    const now = Math.floor(Date.now() / 1000)
    // Each second since the last tick once (a late tick does not skip a due second).
    for (let second = last + 1; second <= now; second++) {
      const at = new Date(second * 1000)
      for (const t of scheduled) {
        if (t.running || !t.due(at)) continue
        t.running = true
        invoke(t.fn, { Type: 'Timer', TriggerName: t.name, Time: at.toISOString() })
          .then((reply) => {
            const r = reply as { ok?: boolean; error?: { code?: string; message?: string } } | undefined
            if (r && r.ok === false) log(`[timer] ${t.fn}.${t.name} failed: ${r.error?.code} ${r.error?.message}`)
          })
          .catch((error) => log(`[timer] ${t.fn}.${t.name} failed: ${(error as Error)?.message ?? error}`))
          .finally(() => {
            t.running = false
          })
      }
    }
    last = now
  }
  const handle = setInterval(tick, 1000)
  handle.unref?.()
  return () => clearInterval(handle)
}
