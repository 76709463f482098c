import { companiesContract } from '../../contracts/companies'
import { action } from '../core/function'
import { answerAppeal, listAppeals, lodgeAppeal } from './appeals'
import { getCompany, getScorecard, listCompanies, setPartyBuilding, updateProfile } from './profile'
import { getRanking, openAppeals, publishRanking } from './ranking'

const c = companiesContract

/** Property companies: profile, monthly scorecards, the ranking workflow and the 红黑榜. */
export const companiesActions = {
  list: action({ input: c.list.input, access: 'signedIn', handler: (input) => listCompanies(input) }),
  get: action({ input: c.get.input, access: 'signedIn', handler: (input) => getCompany(input.companyId) }),
  scorecard: action({ input: c.scorecard.input, access: 'signedIn', handler: (input, { caller }) => getScorecard(caller, input.companyId, input.month) }),
  ranking: action({ input: c.ranking.input, access: 'signedIn', handler: (input, { caller }) => getRanking(caller, input.month) }),
  publishRanking: action({ input: c.publishRanking.input, access: ['district_admin'], identity: 'withFirstRead', handler: (input, ctx) => publishRanking(ctx, input.month) }),
  openAppeals: action({ input: c.openAppeals.input, access: ['district_admin'], identity: 'withFirstRead', handler: (input, ctx) => openAppeals(ctx, input.month, input.days) }),
  appeal: action({ input: c.appeal.input, access: ['property_staff'], handler: (input, { caller }) => lodgeAppeal(caller, input) }),
  answerAppeal: action({ input: c.answerAppeal.input, access: ['district_admin'], identity: 'withFirstRead', handler: (input, ctx) => answerAppeal(ctx, input) }),
  appeals: action({ input: c.appeals.input, access: ['district_admin', 'property_staff'], handler: (input, { caller }) => listAppeals(caller, input) }),
  setPartyBuilding: action({ input: c.setPartyBuilding.input, access: ['district_admin'], identity: 'withFirstRead', handler: (input, ctx) => setPartyBuilding(ctx, input) }),
  updateProfile: action({ input: c.updateProfile.input, access: ['district_admin'], handler: (input) => updateProfile(input) })
}
