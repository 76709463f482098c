import { defineFunction } from '../../server/core/function'
import { usersActions } from '../../server/users'

export const main = defineFunction('users', usersActions)
