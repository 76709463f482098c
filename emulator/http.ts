import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, resolve } from 'node:path'

import { Admission, type AdmissionLimits } from './admission'
import { AUTH_ERRORS, CloudbaseAuthError, type CloudbaseAuth } from './cloudbaseAuth'
import type { CallStats, InvokeResult, Invoker } from './host'

/** What the HTTP layer needs from the function host. */
export interface FunctionInvoker {
  hasFunction(name: string): boolean
  invoke(name: string, data: unknown, invoker?: Invoker): Promise<unknown>
  /** When present, replies carry `x-db-requests` and calls are logged with their cost. */
  invokeWithStats?(name: string, data: unknown, invoker?: Invoker): Promise<InvokeResult>
  /**
   * CloudBase auth (emulator/cloudbaseAuth.ts): serves `/api/auth/*` and the `Authorization: Bearer`
   * of function calls. Without it those endpoints answer 404 and every bearer 401.
   */
  auth?: Pick<CloudbaseAuth, 'signInAnonymously' | 'signInWithTicket' | 'refresh' | 'signOut' | 'identityOf'>
}

export interface HttpOptions {
  host: FunctionInvoker
  /** The H5 build to serve at `/` (dist/h5); absent → only the API is served. */
  staticDir?: string
  /** Local file storage (DATA_DIR/files) served at `/files/`. */
  filesDir?: string
  /** Largest accepted request body. */
  maxBodyBytes?: number
  /**
   * Where the one-line-per-call log goes (function.action, caller, ms, database round trips,
   * outcome); default none. `emulator/main.ts` prints it unless EMULATOR_LOG=off.
   */
  log?: (line: string) => void
  /**
   * How many function calls run at once and how many wait (emulator/admission.ts; default
   * DEFAULT_ADMISSION). Beyond them a call is answered at once with HTTP 503, RATE_LIMITED and
   * Retry-After. `false`: no limit.
   */
  admission?: Partial<AdmissionLimits> | false
}

/** What a call refused for overload is answered with (HTTP 503, code RATE_LIMITED). */
export const OVERLOAD_MESSAGE = '当前访问人数较多，请稍后重试'
/** Seconds a refused client is told to wait (`Retry-After`). */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1

/** `reports.dashboard  demo-admin  412 ms  63 db  ok` — one line per function call. */
export function formatCallLine(stats: CallStats): string {
  const what = stats.action ? `${stats.name}.${stats.action}` : stats.name
  const who = stats.openid ? (stats.openid.length > 16 ? `${stats.openid.slice(0, 15)}…` : stats.openid) : '-'
  const outcome =
    stats.outcome === 'ok'
      ? 'ok'
      : stats.outcome === 'error'
        ? `error ${stats.errorCode ?? ''}`.trim()
        : stats.outcome === 'timeout'
          ? `TIMEOUT ${stats.errorCode} after ${stats.timeoutMs / 1000} s`
          : `threw ${stats.errorCode ?? ''}`.trim()
  const slow = stats.outcome !== 'timeout' && stats.ms > stats.timeoutMs * 0.5 ? `  (slow: ${Math.round((100 * stats.ms) / stats.timeoutMs)}% of its ${stats.timeoutMs / 1000} s timeout)` : ''
  return `[fn] ${what.padEnd(28)} ${who.padEnd(16)} ${`${Math.round(stats.ms)} ms`.padStart(8)} ${`${stats.dbRequests} db`.padStart(7)}  ${outcome}${slow}`
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf'
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

const failure = (code: string, message: string) => ({ ok: false, error: { code, message } })

/** What a too-large request body is answered with (HTTP 413), as the reply envelope. */
export const BODY_TOO_LARGE_MESSAGE = '请求内容过大'

/** A body this many times the limit is not read to its end: the answer goes out and the connection closes. */
const DRAIN_FACTOR = 8

const tooLarge = (drained: boolean) => Object.assign(new Error('body too large'), { status: 413, drained })

/**
 * The request body as text, at most `limit` bytes. A larger body is not kept: the rest is read
 * and discarded, and the promise rejects with status 413 once the body has ended, so the client
 * (which is still sending) gets the 413 answer instead of a reset connection. A body beyond
 * DRAIN_FACTOR × limit rejects at once (`drained: false`): the caller answers and closes.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit * DRAIN_FACTOR) {
      reject(tooLarge(false))
      return
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (over) {
        if (size > limit * DRAIN_FACTOR) {
          req.removeAllListeners('data')
          reject(tooLarge(false))
        }
        return
      }
      if (size > limit) {
        over = true
        chunks.length = 0
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => (over ? reject(tooLarge(true)) : resolveBody(Buffer.concat(chunks).toString('utf8'))))
    req.on('error', reject)
  })
}

async function serveFile(res: ServerResponse, baseDir: string, relative: string, fallback?: string): Promise<boolean> {
  const base = resolve(baseDir)
  const target = resolve(join(base, normalize(decodeURIComponent(relative))))
  if (!target.startsWith(base)) return false
  let path = target
  let info = await stat(path).catch(() => null)
  if (info?.isDirectory()) {
    path = join(path, 'index.html')
    info = await stat(path).catch(() => null)
  }
  if (!info?.isFile()) {
    if (!fallback) return false
    path = join(base, fallback)
    info = await stat(path).catch(() => null)
    if (!info?.isFile()) return false
  }
  const type = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
  // Hashed assets may be cached; index.html must not be, or a rebuild is not seen.
  const cache = path.endsWith('.html') ? 'no-cache' : 'public, max-age=3600'
  res.writeHead(200, { 'content-type': type, 'content-length': info.size, 'cache-control': cache })
  createReadStream(path).pipe(res)
  return true
}

/** Refusals for overload, logged at most once a second as one line (a line per refusal would add to the load). */
class RefusalLog {
  private full = 0
  private timeout = 0
  private timer: NodeJS.Timeout | undefined
  constructor(private readonly admission: Admission, private readonly log: (line: string) => void) {}

  count(reason: 'full' | 'timeout'): void {
    if (reason === 'full') this.full++
    else this.timeout++
    if (this.timer) return
    this.timer = setTimeout(() => this.flush(), 1000)
    this.timer.unref()
  }

  private flush(): void {
    this.timer = undefined
    const { running, queued } = this.admission.stats()
    const { maxInFlight, maxQueue, maxQueueWaitMs } = this.admission.limits
    this.log(
      `[emulator] overloaded: refused ${this.full + this.timeout} calls with 503 RATE_LIMITED (${this.full} found ${maxQueue} waiting, ${this.timeout} waited ${maxQueueWaitMs} ms); ${running}/${maxInFlight} running, ${queued} waiting`
    )
    this.full = 0
    this.timeout = 0
  }
}

async function callFunction(req: IncomingMessage, res: ServerResponse, options: HttpOptions, name: string, admission: Admission | undefined, refusals: RefusalLog | undefined): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, failure('INVALID_INPUT', '仅支持 POST'))
  if (!options.host.hasFunction(name)) return sendJson(res, 404, failure('NOT_FOUND', `云函数不存在：${name}`))
  let data: unknown
  try {
    const text = await readBody(req, options.maxBodyBytes ?? 2 * 1024 * 1024)
    data = text.trim() === '' ? {} : JSON.parse(text)
  } catch (error) {
    const { status, drained } = error as { status?: number; drained?: boolean }
    if (status === 413) {
      if (drained) return sendJson(res, 413, failure('INVALID_INPUT', BODY_TOO_LARGE_MESSAGE))
      // Far too large to read to its end: answer, then close the connection once the answer is out.
      res.on('finish', () => req.destroy())
      return sendJson(res, 413, failure('INVALID_INPUT', BODY_TOO_LARGE_MESSAGE), { connection: 'close' })
    }
    return sendJson(res, 400, failure('INVALID_INPUT', '请求体不是合法的 JSON'))
  }
  const header = req.headers['x-openid']
  const openid = typeof header === 'string' && header ? header : undefined
  let invoker: Invoker = openid
  const bearer = bearerOf(req)
  if (bearer !== undefined) {
    // A web page signed in to CloudBase: who it is comes from its access token, and only from it.
    if (req.headers['x-openid'] !== undefined) return sendAuthError(res, new CloudbaseAuthError('MALFORMED_REQUEST', 'a request carries either a bearer token or x-openid, not both'))
    try {
      if (!options.host.auth || bearer === '') throw new CloudbaseAuthError('INVALID_ACCESS_TOKEN', 'invalid access token')
      invoker = { web: options.host.auth.identityOf(bearer), clientIp: clientIpOf(req) }
    } catch (error) {
      if (error instanceof CloudbaseAuthError) return sendAuthError(res, error)
      throw error
    }
  }
  if (admission) {
    const entry = admission.enter()
    const admitted = entry === true || (entry !== 'full' && (await entry) === true)
    if (!admitted) {
      refusals?.count(entry === 'full' ? 'full' : 'timeout')
      return sendJson(res, 503, failure('RATE_LIMITED', OVERLOAD_MESSAGE), { 'retry-after': String(OVERLOAD_RETRY_AFTER_SECONDS) })
    }
  }
  try {
    await invokeAndAnswer(res, options, name, data, invoker)
  } finally {
    admission?.leave()
  }
}

async function invokeAndAnswer(res: ServerResponse, options: HttpOptions, name: string, data: unknown, invoker: Invoker): Promise<void> {
  const host = options.host
  if (!host.invokeWithStats) return sendJson(res, 200, await host.invoke(name, data, invoker))
  try {
    const { result, stats } = await host.invokeWithStats(name, data, invoker)
    options.log?.(formatCallLine(stats))
    sendJson(res, 200, result, { 'x-db-requests': String(stats.dbRequests) })
  } catch (error) {
    const stats = (error as { stats?: CallStats }).stats
    if (stats) options.log?.(formatCallLine(stats))
    const headers: Record<string, string> = stats ? { 'x-db-requests': String(stats.dbRequests) } : {}
    const timeout = error as { errCode?: unknown; errMsg?: unknown; statusCode?: unknown }
    if (timeout.errCode !== undefined && timeout.statusCode === 504) {
      // wx.cloud.callFunction rejects: the body is that rejection, not a reply envelope.
      return sendJson(res, 504, { errCode: timeout.errCode, errMsg: timeout.errMsg }, headers)
    }
    // The function threw: on the cloud callFunction rejects as well (the H5 transport turns any
    // non-envelope answer into a rejection).
    console.error(`[emulator] ${name} threw`, error)
    return sendJson(res, 500, { errCode: -504002, errMsg: `functions execute fail | ${(error as Error)?.message ?? String(error)}` }, headers)
  }
}

/** `Authorization: Bearer <token>` → the token ('' for an empty or malformed one); no such header → undefined. */
function bearerOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
  return match ? match[1] : ''
}

/** The caller's address as the cloud reports it (WX_CLIENTIP): IPv4 without the `::ffff:` prefix. */
function clientIpOf(req: IncomingMessage): string | undefined {
  const address = req.socket.remoteAddress
  return address?.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
}

function sendAuthError(res: ServerResponse, error: CloudbaseAuthError): void {
  sendJson(res, error.status, { errCode: error.errCode, errMsg: error.errMsg })
}

const malformed = (errMsg: string) => new CloudbaseAuthError('MALFORMED_REQUEST', errMsg)

/**
 * CloudBase's auth HTTP API as the emulator's web client uses it (docs/back-office.md §2):
 * `POST /api/auth/anonymous`, `/api/auth/signin/custom {ticket}`, `/api/auth/refresh
 * {refresh_token}` → `{access_token, refresh_token, expires_in}`; `/api/auth/signout` (bearer) → `{}`.
 * A refusal is 401 (bad, expired or used ticket or token) or 400 (malformed) with `{errCode, errMsg}`.
 */
async function authEndpoint(req: IncomingMessage, res: ServerResponse, options: HttpOptions, what: string): Promise<void> {
  const auth = options.host.auth
  if (!auth || !AUTH_ENDPOINTS.has(what)) return sendJson(res, 404, failure('NOT_FOUND', '接口不存在'))
  if (req.method !== 'POST') return sendAuthError(res, malformed('only POST is supported'))
  let body: Record<string, unknown>
  try {
    const text = await readBody(req, options.maxBodyBytes ?? 2 * 1024 * 1024)
    const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return sendAuthError(res, malformed('the body must be a JSON object'))
    body = parsed as Record<string, unknown>
  } catch (error) {
    const { status, drained } = error as { status?: number; drained?: boolean }
    if (status === 413) {
      if (!drained) res.on('finish', () => req.destroy())
      return sendJson(res, 413, { errCode: AUTH_ERRORS.MALFORMED_REQUEST.errCode, errMsg: 'request body too large' }, drained ? {} : { connection: 'close' })
    }
    return sendAuthError(res, malformed('the body is not valid JSON'))
  }
  try {
    switch (what) {
      case 'anonymous':
        return sendJson(res, 200, auth.signInAnonymously())
      case 'signin/custom':
        if (typeof body.ticket !== 'string' || body.ticket === '') return sendAuthError(res, malformed('ticket is required'))
        return sendJson(res, 200, auth.signInWithTicket(body.ticket))
      case 'refresh':
        if (typeof body.refresh_token !== 'string' || body.refresh_token === '') return sendAuthError(res, malformed('refresh_token is required'))
        return sendJson(res, 200, auth.refresh(body.refresh_token))
      case 'signout': {
        const bearer = bearerOf(req)
        if (bearer === undefined || bearer === '') return sendAuthError(res, malformed('Authorization: Bearer <access_token> is required'))
        auth.signOut(bearer)
        return sendJson(res, 200, {})
      }
    }
  } catch (error) {
    if (error instanceof CloudbaseAuthError) return sendAuthError(res, error)
    throw error
  }
}

const AUTH_PREFIX = '/api/auth/'
const AUTH_ENDPOINTS = new Set(['anonymous', 'signin/custom', 'refresh', 'signout'])

/**
 * The emulator's HTTP face: `POST /api/functions/<name>` with the `data` that
 * `wx.cloud.callFunction` would send and the caller's openid in `x-openid` (a mini-program user)
 * or `Authorization: Bearer <access_token>` (a web page signed in through `/api/auth/*`); the H5
 * build at `/`; local cloud storage at `/files/`.
 */
export function createHttpServer(options: HttpOptions): Server & { admission?: Admission } {
  const admission = options.admission === false ? undefined : new Admission(options.admission)
  const refusals = admission && options.log ? new RefusalLog(admission, options.log) : undefined
  const server = createServer(async (req, res) => {
    try {
      const raw = req.url ?? '/'
      // Function calls (nearly every request) skip the URL parser: their path is plain.
      if (raw.startsWith(FUNCTIONS_PREFIX)) {
        const query = raw.indexOf('?')
        const fn = FUNCTION_PATH.exec(query < 0 ? raw : raw.slice(0, query))
        if (fn) return await callFunction(req, res, options, fn[1], admission, refusals)
      }
      const url = new URL(raw, 'http://localhost')
      const fn = FUNCTION_PATH.exec(url.pathname)
      if (fn) return await callFunction(req, res, options, fn[1], admission, refusals)
      if (url.pathname.startsWith(AUTH_PREFIX)) return await authEndpoint(req, res, options, url.pathname.slice(AUTH_PREFIX.length).replace(/\/$/, ''))
      if (url.pathname.startsWith('/api/')) return sendJson(res, 404, failure('NOT_FOUND', '接口不存在'))
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, failure('INVALID_INPUT', '不支持的请求方法'))
      if (url.pathname.startsWith('/files/') && options.filesDir) {
        if (await serveFile(res, options.filesDir, url.pathname.slice('/files/'.length))) return
      } else if (options.staticDir) {
        if (await serveFile(res, options.staticDir, url.pathname, 'index.html')) return
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('未找到')
    } catch (error) {
      console.error('[emulator] request failed', error)
      if (!res.headersSent) sendJson(res, 500, failure('INTERNAL', '模拟器内部错误'))
      else res.end()
    }
  })
  return Object.assign(server, { admission })
}

const FUNCTIONS_PREFIX = '/api/functions/'
const FUNCTION_PATH = /^\/api\/functions\/([A-Za-z0-9_-]+)\/?$/
