import { meContract } from '@contracts/me'
import { functionClient } from '@/services/cloud/functionClient'

/**
 * `users.me` only: the session lives in the main package, which must not carry the schemas of the
 * other `users` actions (the privacy feature's `usersApi` has them, in its subpackage).
 */
export const meApi = functionClient('users', meContract)
