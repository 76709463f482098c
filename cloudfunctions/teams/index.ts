import { defineFunction } from '../../server/core/function'
import { teamsActions } from '../../server/teams'

export const main = defineFunction('teams', teamsActions)
