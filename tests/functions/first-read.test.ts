/**
 * The shell's `identity: 'withFirstRead'` (server/core/function.ts): the caller is read as one more
 * part of the handler's first read, so the identity costs no round trip of its own, and access is
 * checked there exactly as the shell checks it.
 */
import { newCallContext, runWithCall } from '../../emulator/backend/install'
import { runWithIdentity } from '../../emulator/identity'
import { action, defineFunction } from '../../server/core/function'
import { ticketsActions } from '../../server/tickets'
import { z } from '../../contracts/zod'
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const probe = defineFunction('firstReadProbe', {
  staffRead: action({
    input: z.object({ communityId: z.string() }),
    access: ['staff', 'district_admin'],
    identity: 'withFirstRead',
    handler: async (input, ctx) => {
      const { caller, docs } = await ctx.readWithCaller({
        community: { collection: 'communities', build: (p) => p.match({ _id: input.communityId }).limit(1) }
      })
      return { openid: caller.openid, roles: caller.roles, name: docs.community[0]?.name ?? null }
    }
  }),
  forgetful: action({
    input: z.object({}),
    access: 'signedIn',
    identity: 'withFirstRead',
    handler: async () => ({ answered: true })
  })
})

/** Calls the probe as `openid` inside an emulator call, counting its round trips. */
async function call(event: Record<string, unknown>, openid?: string) {
  const context = newCallContext(cloud.store)
  const reply = await runWithCall(context, () => runWithIdentity({ openid }, () => probe(event)))
  return { reply, dbRequests: context.dbRequests }
}

describe("withFirstRead: the caller comes with the handler's first read", () => {
  test('one round trip answers the caller and the read', async () => {
    const { reply, dbRequests } = await call({ action: 'staffRead', communityId: 'c1' }, 'demo-staff')
    expect(reply).toEqual({ ok: true, data: { openid: 'demo-staff', roles: expect.arrayContaining(['resident', 'staff']), name: expect.any(String) } })
    expect(dbRequests).toBe(1)
  })

  test('access is checked at that read: a resident is refused, an anonymous call too', async () => {
    expect((await call({ action: 'staffRead', communityId: 'c1' }, 'demo-resident')).reply).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: '无权进行此操作' }
    })
    const anonymous = await call({ action: 'staffRead', communityId: 'c1' })
    expect(anonymous.reply).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: '请先登录' } })
    expect(anonymous.dbRequests).toBe(0)
  })

  test('a handler that answers without reading the caller fails instead of answering', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined)
    expect((await call({ action: 'forgetful' }, 'demo-resident')).reply).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }
    })
  })

  test('is refused for a public action when the function is defined', () => {
    expect(() =>
      defineFunction('firstReadPublic', {
        open: action({ input: z.object({}), access: 'public', identity: 'withFirstRead', handler: async () => null } as never)
      })
    ).toThrow(/withFirstRead needs a signed-in access/)
  })

  test('a row with a community bucket or a daily allowance is refused on an action that reads its caller first in the shell', () => {
    // tickets.create has both (server/core/rateLimits.ts): its buckets are taken once the caller is known.
    expect(() =>
      defineFunction('tickets', { ...ticketsActions, create: action({ input: z.object({}), access: 'signedIn', handler: async () => null }) })
    ).toThrow(/tickets.create: a daily allowance or a community bucket needs withFirstRead/)
  })
})
