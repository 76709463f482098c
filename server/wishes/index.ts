import { wishesContract } from '../../contracts/wishes'
import { action } from '../core/function'
import { cancelWish, claimWish, completeWish, confirmWish, createWish, getWish, listWishes, releaseWish, reviewWish } from './actions'
import { deedTotals, listDeeds } from './ledger'
import { revealResidentMobile } from './reveal'

const c = wishesContract

/** 微心愿 and the 我为群众办实事 ledger. */
export const wishesActions = {
  create: action({ input: c.create.input, access: 'signedIn', handler: (input, { caller }) => createWish(caller, input) }),
  list: action({ input: c.list.input, access: 'signedIn', handler: (input, { caller }) => listWishes(caller, input) }),
  get: action({ input: c.get.input, access: 'signedIn', handler: (input, { caller }) => getWish(caller, input.wishId) }),
  claim: action({ input: c.claim.input, access: ['member'], handler: (input, { caller }) => claimWish(caller, input.wishId) }),
  release: action({ input: c.release.input, access: ['member'], handler: (input, { caller }) => releaseWish(caller, input.wishId, input.note) }),
  complete: action({ input: c.complete.input, access: ['member'], handler: (input, { caller }) => completeWish(caller, input) }),
  confirm: action({ input: c.confirm.input, access: 'signedIn', handler: (input, { caller }) => confirmWish(caller, input) }),
  cancel: action({ input: c.cancel.input, access: 'signedIn', handler: (input, { caller }) => cancelWish(caller, input) }),
  review: action({ input: c.review.input, access: ['staff', 'district_admin'], handler: (input, { caller }) => reviewWish(caller, input) }),
  deeds: action({ input: c.deeds.input, access: 'signedIn', handler: (input) => listDeeds(input) }),
  deedTotals: action({ input: c.deedTotals.input, access: 'public', handler: (input) => deedTotals(input.communityId) }),
  /** The claiming member or community staff (checked on the wish): the poster's full number, audited. */
  revealMobile: action({ input: c.revealMobile.input, access: 'signedIn', handler: (input, { caller }) => revealResidentMobile(caller, input.wishId) })
}
