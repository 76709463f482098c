/**
 * Finds the database operators the server code uses: `db.command` query and update operators
 * (`_.in(`, `cmd().and(`, `db().command.push(`, `_.gte(a).and(…)`), aggregation operators
 * (`$.sum(`, `agg().dateToString(`, `_.aggregate.sum(`) and aggregation stages (the methods
 * chained on `.aggregate()` up to `.end()`), plus raw `$operator:` keys in the demo seed.
 * Aliases are found per file: `const X = db().command`, `const X = () => db().command`,
 * `const X = <alias>()`, `const $ = db().command.aggregate`…
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

export interface Usage {
  /** Names called on `db.command` (query and update operators, `and`/`or`). */
  commands: Map<string, string[]>
  /** Names called on `db.command.aggregate`. */
  aggregate: Map<string, string[]>
  /** Methods chained on `.aggregate()` (stages). */
  stages: Map<string, string[]>
  /** `$name:` keys written as raw MongoDB (the seed talks to the store directly). */
  raw: Map<string, string[]>
  /** Special values built by the database object: `db.RegExp(`, `db.serverDate(`, `db.ObjectId(`, `db.Geo…`. */
  values: Map<string, string[]>
}

export function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) sourceFiles(path, out)
    else if (/\.(ts|tsx|js)$/.test(name) && !/\.test\./.test(name)) out.push(path)
  }
  return out
}

/** Source text without comments (string contents kept). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1')
}

const ident = '[A-Za-z_$][\\w$]*'
const escape = (s: string) => s.replace(/[$()]/g, '\\$&')

function add(map: Map<string, string[]>, name: string, where: string): void {
  const list = map.get(name) ?? []
  if (!list.includes(where)) list.push(where)
  map.set(name, list)
}

export function scanOperators(root: string, dirs: string[]): Usage {
  const usage: Usage = { commands: new Map(), aggregate: new Map(), stages: new Map(), raw: new Map(), values: new Map() }
  for (const dir of dirs) {
    for (const file of sourceFiles(join(root, dir))) {
      const where = relative(root, file)
      const text = stripComments(readFileSync(file, 'utf8'))
      // Receivers: expressions that evaluate to db.command (kind 'c') or db.command.aggregate ('a').
      const receivers: Array<{ pattern: string; kind: 'c' | 'a' }> = [
        { pattern: '\\bdb\\(\\)\\.command\\.aggregate', kind: 'a' },
        { pattern: '\\.command\\.aggregate', kind: 'a' },
        { pattern: '\\bdb\\(\\)\\.command', kind: 'c' },
        { pattern: '\\b\\w+\\.command', kind: 'c' },
        // The project's conventional names, also where they arrive as parameters.
        { pattern: '(?<![\\w$.])_', kind: 'c' },
        { pattern: '(?<![\\w$.])\\$', kind: 'a' }
      ]
      const aliasDef = new RegExp(`(?:const|let|var)\\s+(${ident})\\s*=\\s*(\\(\\)\\s*=>\\s*)?([^;\\n]+)`, 'g')
      for (let changed = true; changed; ) {
        changed = false
        for (const m of text.matchAll(aliasDef)) {
          const [, name, arrow, rhs] = m
          const value = rhs.trim()
          let kind: 'c' | 'a' | undefined
          if (/\.command\.aggregate$/.test(value)) kind = 'a'
          else if (/\.command$/.test(value)) kind = 'c'
          else {
            for (const r of receivers) {
              if (new RegExp(`^(?:${r.pattern})$`).test(value)) kind = r.kind
              else if (r.kind === 'c' && new RegExp(`^(?:${r.pattern})\\.aggregate$`).test(value)) kind = 'a'
            }
          }
          if (!kind) continue
          const pattern = `(?<![\\w$.])${escape(name)}${arrow ? '\\(\\)' : ''}`
          if (receivers.some((r) => r.pattern === pattern)) continue
          receivers.push({ pattern, kind })
          changed = true
        }
      }
      for (const { pattern, kind } of receivers) {
        // `<command>.aggregate.<name>(` is an aggregate operator too.
        if (kind === 'c') {
          for (const m of text.matchAll(new RegExp(`${pattern}\\.aggregate\\.(${ident})\\(`, 'g'))) add(usage.aggregate, m[1], where)
        }
        for (const m of text.matchAll(new RegExp(`${pattern}\\.(${ident})\\(`, 'g'))) {
          add(kind === 'a' ? usage.aggregate : usage.commands, m[1], where)
        }
      }
      // Chained logic on a command: `_.gte(a).and(_.lt(b))`.
      for (const m of text.matchAll(/\)\s*\.(and|or|not)\(/g)) add(usage.commands, m[1], where)
      for (const stage of aggregateStages(text)) add(usage.stages, stage, where)
      for (const m of text.matchAll(/['"]?\$([a-zA-Z]+)['"]?:/g)) add(usage.raw, m[1], where)
      for (const m of text.matchAll(/[\w)]\.(RegExp|serverDate|ObjectId|Geo)\b/g)) add(usage.values, m[1], where)
    }
  }
  return usage
}

/**
 * The stage methods of wx-server-sdk's Aggregate (index.js `class Aggregate`). Chains are often
 * built in steps (`const base = () => ….aggregate().match(…)`, then `base().sort(…)`), so in a
 * file that starts an aggregation every call of one of these names counts as a stage (`sort`,
 * `skip`, `limit`, `count` and `project` of plain queries are then counted too, which only asks
 * for more coverage).
 */
export const AGGREGATE_STAGE_METHODS = [
  'addFields', 'bucket', 'bucketAuto', 'collStats', 'count', 'facet', 'geoNear', 'graphLookup', 'group', 'indexStats', 'limit',
  'lookup', 'match', 'project', 'redact', 'replaceRoot', 'sample', 'skip', 'sort', 'sortByCount', 'unwind'
]

function aggregateStages(text: string): string[] {
  if (!/\.aggregate\(\s*\)/.test(text)) return []
  const out: string[] = []
  for (const m of text.matchAll(/\.\s*([A-Za-z_$][\w$]*)\s*\(/g)) if (AGGREGATE_STAGE_METHODS.includes(m[1])) out.push(m[1])
  return out
}
