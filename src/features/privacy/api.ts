import { usersContract } from '@contracts/users'
import { functionClient } from '@/services/cloud/functionClient'

/** The `users` function: the person's rights over their data (个人信息与隐私) and the audit log. */
export const usersApi = functionClient('users', usersContract)
