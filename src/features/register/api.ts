import { call } from '@/services/cloud'
import { membersContract as M, qrcodesContract as Q } from '@contracts/members'
import type { z } from '@contracts/zod'

type In<T extends { input: z.ZodTypeAny }> = z.input<T['input']>

/** Typed calls of the `members` function (replies parsed with the shared contract). */
export const membersApi = {
  scene: (scene: string) => call('members', 'scene', { scene }, M.scene.output),
  structure: (communityId: string) => call('members', 'structure', { communityId }, M.structure.output),
  register: (input: In<typeof M.register>) => call('members', 'register', input, M.register.output),
  me: () => call('members', 'me', {}, M.me.output),
  detail: (registrationId: string) => call('members', 'detail', { registrationId }, M.detail.output),
  list: (input: In<typeof M.list>) => call('members', 'list', input, M.list.output),
  review: (input: In<typeof M.review>) => call('members', 'review', input, M.review.output),
  placementOptions: (registrationId: string, gridId?: string) =>
    call('members', 'placementOptions', gridId ? { registrationId, gridId } : { registrationId }, M.placementOptions.output),
  revealMobile: (registrationId: string) => call('members', 'revealMobile', { registrationId }, M.revealMobile.output),
  stats: () => call('members', 'stats', {}, M.stats.output),
  exportList: (input: In<typeof M.export>) => call('members', 'export', input, M.export.output),
  setTarget: (target: number) => call('members', 'setTarget', { target }, M.setTarget.output)
}

/** Typed calls of the `qrcodes` function. */
export const qrcodesApi = {
  community: (communityId: string) => call('qrcodes', 'community', { communityId }, Q.community.output)
}
