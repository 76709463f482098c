import { z } from './zod'
import { ROLES } from './roleLabels'

// The roles, their labels and scopes without zod in ./roleLabels (the app's main package reads them there).
export * from './roleLabels'
export const roleSchema = z.enum(ROLES)
