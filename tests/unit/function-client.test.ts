/** @jest-environment jsdom */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { z } from 'zod'
import type { Reply } from '@contracts/reply'
import { activitiesContract } from '@contracts/activities'
import { centersContract } from '@contracts/centers'
import { companiesContract } from '@contracts/companies'
import { membersContract, qrcodesContract } from '@contracts/members'
import { noticesContract } from '@contracts/notices'
import { reportsContract } from '@contracts/reports'
import { meContract } from '@contracts/me'
import { overviewContract } from '@contracts/overview'
import { activityListContract } from '@contracts/activityList'
import { centerListContract } from '@contracts/centerList'
import { teamsContract } from '@contracts/teams'
import { authContract } from '@contracts/auth'
import { ticketsContract } from '@contracts/tickets'
import { usersContract } from '@contracts/users'
import { wishesContract } from '@contracts/wishes'
import { call, setTransport } from '@/services/cloud/call'
import { functionClient, typedClient, type FunctionContract } from '@/services/cloud/functionClient'
import type { Transport } from '@/services/cloud/types'
import { centersApi } from '@/features/centers/api'
import { reportsApi } from '@/features/district/api'
import { noticesApi } from '@/features/notices/api'
import { membersApi, qrcodesApi } from '@/features/register/api'
import { companiesApi, ticketsApi, wishesApi } from '@/features/tickets/api'
import { activitiesApi, teamsApi } from '@/features/volunteer/api'
import { authApi } from '@/features/desk/api'
import { meApi } from '@/features/session/api'
import { overviewApi } from '@/features/overview/api'
import { activitiesApi as activitiesTabApi } from '@/features/volunteer/tab'
import { centersApi as centersTabApi } from '@/features/centers/tab'

// call() itself, recorded: the derived client must hand it the function, the action and that action's output schema.
jest.mock('@/services/cloud/call', () => {
  const actual = jest.requireActual('@/services/cloud/call')
  return { ...actual, call: jest.fn(actual.call) }
})
const callMock = call as unknown as jest.Mock

/** Every client the app exports, with the function and contract it must be derived from. */
const CLIENTS: [fn: string, client: object, contract: FunctionContract][] = [
  ['activities', activitiesApi, activitiesContract],
  ['teams', teamsApi, teamsContract],
  ['auth', authApi, authContract],
  ['centers', centersApi, centersContract],
  ['notices', noticesApi, noticesContract],
  ['members', membersApi, membersContract],
  ['qrcodes', qrcodesApi, qrcodesContract],
  ['tickets', ticketsApi, ticketsContract],
  ['companies', companiesApi, companiesContract],
  ['wishes', wishesApi, wishesContract],
  ['users', functionClient('users', usersContract), usersContract]
]

/**
 * The clients typed by their contract only (`typedClient`): the weapp main package's and the district
 * subpackage's, which carry no zod runtime (issue #15). Same calls, replies checked as envelopes only.
 */
const TYPED_CLIENTS: [fn: string, client: object, contract: FunctionContract][] = [
  ['reports', reportsApi, reportsContract],
  ['users', meApi, meContract],
  ['users', overviewApi, overviewContract],
  ['activities', activitiesTabApi, activityListContract],
  ['centers', centersTabApi, centerListContract]
]

const notFound = { ok: false, error: { code: 'NOT_FOUND', message: '不存在' } }

afterEach(() => {
  setTransport()
  callMock.mockClear()
})

describe('functionClient()', () => {
  it.each(CLIENTS)('%s: exposes exactly the actions of its contract', (fn, client, contract) => {
    expect(Object.keys(client).sort()).toEqual(Object.keys(contract).sort())
    // …of a function that exists (a deployable shell in cloudfunctions/).
    expect(existsSync(join(__dirname, '../../cloudfunctions', fn, 'index.ts'))).toBe(true)
  })

  it.each(CLIENTS)('%s: each action calls call() with its function, its name, the input and its own output schema', async (fn, client, contract) => {
    const transport: Transport & jest.Mock = jest.fn(async () => notFound)
    setTransport(transport)
    const methods = client as Record<string, (input?: object) => Promise<Reply<unknown>>>
    for (const action of Object.keys(contract)) {
      callMock.mockClear()
      transport.mockClear()
      const input = { probe: action }
      expect(await methods[action](input)).toEqual(notFound)
      expect(callMock).toHaveBeenCalledTimes(1)
      const [name, sentAction, sentInput, output] = callMock.mock.calls[0]
      expect([name, sentAction, sentInput]).toEqual([fn, action, input])
      expect(output).toBe(contract[action].output)
      expect(transport).toHaveBeenCalledWith(fn, { action, probe: action })
    }
  })

  it.each(TYPED_CLIENTS)('%s (typed only): exposes exactly the actions of its contract and calls call() without a schema', async (fn, client, contract) => {
    expect(Object.keys(client).sort()).toEqual(Object.keys(contract).sort())
    const transport: Transport & jest.Mock = jest.fn(async () => notFound)
    setTransport(transport)
    const methods = client as Record<string, (input?: object) => Promise<Reply<unknown>>>
    for (const action of Object.keys(contract)) {
      callMock.mockClear()
      const input = { probe: action }
      expect(await methods[action](input)).toEqual(notFound)
      expect(callMock).toHaveBeenCalledTimes(1)
      expect(callMock.mock.calls[0]).toEqual([fn, action, input])
      expect(transport).toHaveBeenCalledWith(fn, { action, probe: action })
    }
  })

  it('a typed-only client checks the envelope but passes the data as it came', async () => {
    setTransport(async () => ({ ok: true, data: { count: 3, extra: 1 } }))
    expect(await typedClient<typeof reportsContract>('reports', ['dashboard']).dashboard({ from: '2026-01-01', to: '2026-01-31' })).toEqual({ ok: true, data: { count: 3, extra: 1 } })
    setTransport(async () => ({ ok: 'yes' }))
    expect((await reportsApi.dashboard({ from: '2026-01-01', to: '2026-01-31' })).ok).toBe(false)
  })

  it('sends {} when the input is left out', async () => {
    const transport: Transport & jest.Mock = jest.fn(async () => ({ ok: true, data: { count: 3 } }))
    setTransport(transport)
    expect(await noticesApi.unreadCount()).toEqual({ ok: true, data: { count: 3 } })
    expect(transport).toHaveBeenCalledWith('notices', { action: 'unreadCount' })
  })

  it("parses the reply with the action's output schema: unknown fields dropped, a reply that breaks it rejected", async () => {
    setTransport(async () => ({ ok: true, data: { removed: true, extra: 1 } }))
    expect(await teamsApi.removeMember({ teamId: 't1', openid: 'o1', reason: '离开社区' })).toEqual({ ok: true, data: { removed: true } })

    setTransport(async () => ({ ok: true, data: { removed: 'yes' } }))
    const broken = await teamsApi.removeMember({ teamId: 't1', openid: 'o1', reason: '离开社区' })
    expect(broken).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/[\u4e00-\u9fa5]/) } })

    // Another action's reply is not this one's: centres' sweep result is no booking.
    setTransport(async () => ({ ok: true, data: { noShows: 1, expired: 0, suspended: 0 } }))
    expect((await centersApi.sweep()).ok).toBe(true)
    expect((await centersApi.cancel({ bookingId: 'b1' })).ok).toBe(false)
  })

  it('passes an error envelope through as it came', async () => {
    setTransport(async () => ({ ok: false, error: { code: 'FORBIDDEN', message: '无权操作' } }))
    expect(await centersApi.get({ centerId: 'c1' })).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: '无权操作' } })
  })
})

/*
 * Type level, enforced by `npm run typecheck` (jest does not check types): the derived calls take the
 * contract's input and answer its output, and every function's router has exactly its contract's actions,
 * so the client cannot name an action the function lacks.
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false

const routersMatchContracts: {
  activities: SameKeys<typeof import('../../server/activities').activitiesActions, typeof activitiesContract>
  auth: SameKeys<typeof import('../../server/auth').authActions, typeof authContract>
  centers: SameKeys<typeof import('../../server/centers').centersActions, typeof centersContract>
  companies: SameKeys<typeof import('../../server/companies').companiesActions, typeof companiesContract>
  members: SameKeys<typeof import('../../server/members').membersActions, typeof membersContract>
  notices: SameKeys<typeof import('../../server/notices').noticesActions, typeof noticesContract>
  qrcodes: SameKeys<typeof import('../../server/qrcodes').qrcodesActions, typeof qrcodesContract>
  reports: SameKeys<typeof import('../../server/reports').reportsActions, typeof reportsContract>
  teams: SameKeys<typeof import('../../server/teams').teamsActions, typeof teamsContract>
  tickets: SameKeys<typeof import('../../server/tickets').ticketsActions, typeof ticketsContract>
  users: SameKeys<typeof import('../../server/users').usersActions, typeof usersContract>
  wishes: SameKeys<typeof import('../../server/wishes').wishesActions, typeof wishesContract>
} = { activities: true, auth: true, centers: true, companies: true, members: true, notices: true, qrcodes: true, reports: true, teams: true, tickets: true, users: true, wishes: true }
void routersMatchContracts

const typedAsTheContract: [
  Equal<Parameters<typeof centersApi.get>[0], z.input<typeof centersContract.get.input>>,
  Equal<Awaited<ReturnType<typeof centersApi.get>>, Reply<z.output<typeof centersContract.get.output>>>,
  Equal<Awaited<ReturnType<typeof ticketsApi.rules>>, Reply<z.output<typeof ticketsContract.rules.output>>>,
  // An input that accepts aliases (z.preprocess) is typed as the schema it feeds, not `unknown`.
  Equal<Parameters<typeof ticketsApi.comment>[0], z.input<(typeof ticketsContract.comment.input)['out']>>
] = [true, true, true, true]
void typedAsTheContract

export function typeErrors(): void {
  // @ts-expect-error a misspelt action does not exist
  void centersApi.bok
  // @ts-expect-error the input is the action's input object, not a positional id
  void centersApi.get('c1')
  // @ts-expect-error a required field is missing
  void centersApi.get({})
  // @ts-expect-error a field of the wrong type
  void centersApi.book({ roomId: 1, start: '2026-12-01 09:00', purpose: '支部活动', attendees: 10 })
  // @ts-expect-error an input is required when the contract's input has a required field
  void activitiesApi.signUp()
  // @ts-expect-error an aliased (preprocessed) input is still checked
  void ticketsApi.comment({ ticketId: 't1', text: 42 })
  // @ts-expect-error the reply's data is the output's type (no such field)
  void centersApi.get({ centerId: 'c1' }).then((r) => r.ok && r.data.noSuchField)
}
