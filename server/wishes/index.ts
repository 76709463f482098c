import { wishesContract } from '../../contracts/wishes'
import { action } from '../core/function'
import { cancelWish, claimWish, completeWish, confirmWish, createWish, getWish, listWishes, releaseWish, reviewWish } from './actions'
import { deedTotals, listDeeds } from './ledger'
import { revealResidentMobile } from './reveal'

const c = wishesContract

/** 微心愿 and the 我为群众办实事 ledger. */
export const wishesActions = {
  create: action({ input: c.create.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => createWish(ctx, input) }),
  list: action({ input: c.list.input, access: 'signedIn', handler: (input, { caller }) => listWishes(caller, input) }),
  get: action({ input: c.get.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => getWish(ctx, input.wishId) }),
  claim: action({ input: c.claim.input, access: ['member'], identity: 'withFirstRead', handler: (input, ctx) => claimWish(ctx, input.wishId) }),
  release: action({ input: c.release.input, access: ['member'], identity: 'withFirstRead', handler: (input, ctx) => releaseWish(ctx, input.wishId, input.note) }),
  complete: action({ input: c.complete.input, access: ['member'], identity: 'withFirstRead', handler: (input, ctx) => completeWish(ctx, input) }),
  confirm: action({ input: c.confirm.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => confirmWish(ctx, input) }),
  cancel: action({ input: c.cancel.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => cancelWish(ctx, input) }),
  review: action({ input: c.review.input, access: ['staff', 'district_admin'], identity: 'withFirstRead', handler: (input, ctx) => reviewWish(ctx, input) }),
  deeds: action({ input: c.deeds.input, access: 'signedIn', handler: (input) => listDeeds(input) }),
  deedTotals: action({ input: c.deedTotals.input, access: 'public', handler: (input) => deedTotals(input.communityId) }),
  /** The claiming member or community staff (checked on the wish): the poster's full number, audited. */
  revealMobile: action({ input: c.revealMobile.input, access: 'signedIn', handler: (input, { caller }) => revealResidentMobile(caller, input.wishId) })
}
