/**
 * Overload: the emulator runs a bounded number of calls at once and keeps a bounded queue with a
 * maximum wait (emulator/admission.ts); every other call is answered at once with HTTP 503,
 * RATE_LIMITED and Retry-After, never left waiting behind the backlog.
 */
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Admission, DEFAULT_ADMISSION } from '../../emulator/admission'
import { createHttpServer, OVERLOAD_MESSAGE, OVERLOAD_RETRY_AFTER_SECONDS, type FunctionInvoker, type HttpOptions } from '../../emulator/http'

/** A function host whose calls all wait until `release()`: the slots stay taken as long as the test wants. */
function blockingHost() {
  let open!: () => void
  let gate = new Promise<void>((resolve) => (open = resolve))
  let started = 0
  const host: FunctionInvoker = {
    hasFunction: (name) => name === 'slow',
    async invoke(_name, data) {
      started++
      await gate
      return { ok: true, data }
    }
  }
  return {
    host,
    started: () => started,
    release() {
      open()
      gate = new Promise<void>((resolve) => (open = resolve))
    }
  }
}

interface Answer {
  status: number
  body: any
  headers: Record<string, string | string[] | undefined>
}

function post(port: number, body: object): Promise<Answer> {
  const data = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/api/functions/slow', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: res.headers }))
      }
    )
    req.on('error', reject)
    req.end(data)
  })
}

async function listen(options: HttpOptions) {
  const server = createHttpServer(options)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as AddressInfo).port }
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}

function expectRefusal(answer: Answer) {
  expect(answer.status).toBe(503)
  expect(answer.body).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: OVERLOAD_MESSAGE } })
  expect(answer.headers['retry-after']).toBe(String(OVERLOAD_RETRY_AFTER_SECONDS))
  // A refused call made no database round trip, and is not reported as if it had.
  expect(answer.headers['x-db-requests']).toBeUndefined()
}

describe('admission', () => {
  test('runs up to maxInFlight, queues up to maxQueue in arrival order, refuses the rest at once', async () => {
    const admission = new Admission({ maxInFlight: 2, maxQueue: 3, maxQueueWaitMs: 60_000 })
    expect(admission.enter()).toBe(true)
    expect(admission.enter()).toBe(true)
    const order: number[] = []
    const waiting = [0, 1, 2].map((i) => {
      const entry = admission.enter()
      expect(entry).toBeInstanceOf(Promise)
      return (entry as Promise<true | 'timeout'>).then((outcome) => {
        order.push(i)
        return outcome
      })
    })
    expect(admission.enter()).toBe('full')
    expect(admission.enter()).toBe('full')
    expect(admission.stats()).toMatchObject({ running: 2, queued: 3, peakQueued: 3, refusedFull: 2 })
    admission.leave()
    admission.leave()
    admission.leave()
    expect(await Promise.all(waiting)).toEqual([true, true, true])
    expect(order).toEqual([0, 1, 2])
    expect(admission.stats()).toMatchObject({ running: 2, queued: 0, peakQueued: 3, admitted: 5 })
  })

  test('a call that waits maxQueueWaitMs without a slot is refused', async () => {
    const admission = new Admission({ maxInFlight: 1, maxQueue: 5, maxQueueWaitMs: 20 })
    expect(admission.enter()).toBe(true)
    expect(await admission.enter()).toBe('timeout')
    expect(admission.stats()).toMatchObject({ running: 1, queued: 0, refusedTimeout: 1 })
    // The slot freed later goes to nobody who gave up; the next call runs at once.
    admission.leave()
    expect(admission.enter()).toBe(true)
  })

  test('limits are checked', () => {
    expect(() => new Admission({ maxInFlight: 0 })).toThrow(/maxInFlight/)
    expect(() => new Admission({ maxQueue: -1 })).toThrow(/maxQueue/)
    expect(new Admission().limits).toEqual(DEFAULT_ADMISSION)
  })
})

// Generous: no assertion here is about time, but a loaded machine may be slow to connect 40 sockets.
jest.setTimeout(30_000)

describe('HTTP under overload', () => {
  test('40 calls at once with 4 slots and 8 places: 28 refused with 503 while the 4 still run, the 12 others served', async () => {
    const slow = blockingHost()
    const lines: string[] = []
    const { server, port } = await listen({ host: slow.host, admission: { maxInFlight: 4, maxQueue: 8, maxQueueWaitMs: 60_000 }, log: (line) => lines.push(line) })
    try {
      const answers: Answer[] = []
      const calls = Array.from({ length: 40 }, (_, i) => post(port, { action: 'x', i }).then((answer) => (answers.push(answer), answer)))
      // The refusals come back while every slot is still held: no refused call waits for a running one.
      await until(() => answers.length === 28)
      expect(slow.started()).toBe(4)
      for (const answer of answers) expectRefusal(answer)
      expect(server.admission!.stats()).toMatchObject({ running: 4, queued: 8, peakQueued: 8, refusedFull: 28 })
      slow.release()
      await until(() => slow.started() === 8)
      slow.release()
      await until(() => slow.started() === 12)
      slow.release()
      const all = await Promise.all(calls)
      const served = all.filter((answer) => answer.status === 200)
      expect(served).toHaveLength(12)
      for (const answer of served) expect(answer.body).toMatchObject({ ok: true, data: { action: 'x' } })
      expect(server.admission!.stats()).toMatchObject({ running: 0, queued: 0, peakQueued: 8, admitted: 12 })
      // The refusals are logged as one summary line, not one line each.
      await until(() => lines.length > 0)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/refused 28 calls with 503 RATE_LIMITED/)
    } finally {
      slow.release()
      server.close()
    }
  })

  test('a queued call is refused once it has waited maxQueueWaitMs, while the running call goes on', async () => {
    const slow = blockingHost()
    const { server, port } = await listen({ host: slow.host, admission: { maxInFlight: 1, maxQueue: 4, maxQueueWaitMs: 30 } })
    try {
      const first = post(port, { action: 'first' })
      await until(() => slow.started() === 1)
      const queued = await Promise.all([post(port, { action: 'a' }), post(port, { action: 'b' }), post(port, { action: 'c' })])
      for (const answer of queued) expectRefusal(answer)
      expect(slow.started()).toBe(1)
      expect(server.admission!.stats()).toMatchObject({ running: 1, queued: 0, refusedTimeout: 3 })
      slow.release()
      expect((await first).status).toBe(200)
    } finally {
      slow.release()
      server.close()
    }
  })

  test('the default limits apply unless admission is turned off', async () => {
    const slow = blockingHost()
    const limited = createHttpServer({ host: slow.host })
    expect(limited.admission?.limits).toEqual(DEFAULT_ADMISSION)
    expect(createHttpServer({ host: slow.host, admission: false }).admission).toBeUndefined()
  })
})
