import { defineFunction } from '../../server/core/function'
import { membersActions } from '../../server/members'

export const main = defineFunction('members', membersActions)
