import { noticesContract } from '../../contracts/notices'
import { action } from '../core/function'
import { upload } from './files'
import { get } from './get'
import { list, unreadCount } from './list'
import { places } from './places'
import { publish, update, withdraw } from './publish'
import { subscribe } from './push'
import { readStats } from './readStats'
import { setResidence } from './residence'

const PUBLISHERS = ['staff', 'district_admin'] as const

export const noticesActions = {
  publish: action({ input: noticesContract.publish.input, access: PUBLISHERS, handler: (input, { caller }) => publish(input, caller) }),
  update: action({ input: noticesContract.update.input, access: PUBLISHERS, handler: (input, { caller }) => update(input, caller) }),
  withdraw: action({ input: noticesContract.withdraw.input, access: PUBLISHERS, handler: (input, { caller }) => withdraw(input, caller) }),
  list: action({ input: noticesContract.list.input, access: 'signedIn', handler: (input, { caller }) => list(input, caller) }),
  get: action({ input: noticesContract.get.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => get(input.noticeId, ctx) }),
  unreadCount: action({ input: noticesContract.unreadCount.input, access: 'signedIn', handler: (_input, { caller }) => unreadCount(caller) }),
  readStats: action({ input: noticesContract.readStats.input, access: PUBLISHERS, identity: 'withFirstRead', handler: (input, ctx) => readStats(input, ctx) }),
  upload: action({ input: noticesContract.upload.input, access: PUBLISHERS, handler: (input, { caller }) => upload(input, caller) }),
  places: action({ input: noticesContract.places.input, access: 'signedIn', handler: (input) => places(input) }),
  subscribe: action({ input: noticesContract.subscribe.input, access: 'signedIn', handler: (_input, { caller }) => subscribe(caller) }),
  setResidence: action({ input: noticesContract.setResidence.input, access: 'signedIn', handler: (input, { caller }) => setResidence(input, caller) })
}
