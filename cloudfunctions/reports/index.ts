import { defineFunction } from '../../server/core/function'
import { reportsActions } from '../../server/reports'

export const main = defineFunction('reports', reportsActions)
