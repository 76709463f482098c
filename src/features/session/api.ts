import type { meContract } from '@contracts/me'
import { typedClient } from '@/services/cloud/functionClient'

/**
 * `users.me` only: the session lives in the main package, which must not carry the schemas of the
 * other `users` actions (the privacy feature's `usersApi` has them, in its subpackage). Typed by
 * the contract only: the main package carries no zod runtime.
 */
export const meApi = typedClient<typeof meContract>('users', ['me'])
