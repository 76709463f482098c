import { usersContract } from '../../contracts/users'
import { action } from '../core/function'
import { me } from './me'

export const usersActions = {
  me: action({ input: usersContract.me.input, access: 'signedIn', handler: (_input, { caller }) => me(caller) })
}
