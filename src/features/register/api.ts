import { functionClient } from '@/services/cloud'
import { membersContract, qrcodesContract } from '@contracts/members'

/** The `members` function: one typed call per action of its contract (replies parsed with it). */
export const membersApi = functionClient('members', membersContract)

/** The `qrcodes` function. */
export const qrcodesApi = functionClient('qrcodes', qrcodesContract)
