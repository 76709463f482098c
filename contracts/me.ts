/**
 * `users.me`: who the caller is. Its own module because the main package (the tab pages, the
 * session) needs only this action of `users`: importing the whole `usersContract` would put the
 * privacy and audit-log schemas into every start of the app (contracts/users.ts composes them).
 */
import { z } from './zod'
import { roleSchema } from './roles'

export const usersMeInput = z.object({})

export const profileSchema = z.object({
  name: z.string().optional(),
  mobileMasked: z.string().optional(),
  communityId: z.string().optional(),
  communityName: z.string().optional(),
  gridId: z.string().optional(),
  gridName: z.string().optional(),
  buildingId: z.string().optional(),
  buildingName: z.string().optional(),
  companyName: z.string().optional()
})

export const meSchema = z.object({
  openid: z.string(),
  roles: z.array(roleSchema),
  scopes: z.object({
    communityIds: z.array(z.string()),
    companyIds: z.array(z.string()),
    gridIds: z.array(z.string())
  }),
  profile: profileSchema
})
export type Me = z.infer<typeof meSchema>

export const meContract = {
  me: { input: usersMeInput, output: meSchema }
} as const
