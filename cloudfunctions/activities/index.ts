import { defineFunction } from '../../server/core/function'
import { activitiesActions } from '../../server/activities'

export const main = defineFunction('activities', activitiesActions)
