import { authContract } from '@contracts/auth'
import { functionClient } from '@/services/cloud/functionClient'

/** The `auth` function: desk sign-in by scan (the PC and the phone sides) and 登录设备. */
export const authApi = functionClient('auth', authContract)
