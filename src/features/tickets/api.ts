import { call } from '@/services/cloud'
import { companiesContract } from '@contracts/companies'
import { ticketsContract } from '@contracts/tickets'
import { wishesContract } from '@contracts/wishes'
import type { z } from '@contracts/zod'

type In<T extends { input: z.ZodTypeAny }> = z.input<T['input']>
/** For inputs with a preprocess step (aliases), whose z.input is `unknown`: the parsed shape. */
type Parsed<T extends { input: z.ZodTypeAny }> = z.output<T['input']>

const T = ticketsContract
const C = companiesContract
const W = wishesContract

/** Typed calls of the `tickets` function (replies parsed with the shared contract). */
export const ticketsApi = {
  create: (input: In<typeof T.create>) => call('tickets', 'create', input, T.create.output),
  list: (input: In<typeof T.list>) => call('tickets', 'list', input, T.list.output),
  get: (ticketId: string) => call('tickets', 'get', { ticketId }, T.get.output),
  transition: (input: In<typeof T.transition>) => call('tickets', 'transition', input, T.transition.output),
  comment: (input: Parsed<typeof T.comment>) => call('tickets', 'comment', input, T.comment.output),
  confirm: (input: In<typeof T.confirm>) => call('tickets', 'confirm', input, T.confirm.output),
  reopen: (input: Parsed<typeof T.reopen>) => call('tickets', 'reopen', input, T.reopen.output),
  upload: (input: In<typeof T.upload>) => call('tickets', 'upload', input, T.upload.output),
  sweep: () => call('tickets', 'sweep', {}, T.sweep.output),
  rules: () => call('tickets', 'rules', {}, T.rules.output),
  setRule: (input: In<typeof T.setRule>) => call('tickets', 'setRule', input, T.setRule.output)
}

/** Typed calls of the `companies` function. */
export const companiesApi = {
  list: (input: In<typeof C.list>) => call('companies', 'list', input, C.list.output),
  get: (companyId: string) => call('companies', 'get', { companyId }, C.get.output),
  scorecard: (companyId: string, month: string) => call('companies', 'scorecard', { companyId, month }, C.scorecard.output),
  ranking: (month?: string) => call('companies', 'ranking', month ? { month } : {}, C.ranking.output),
  openAppeals: (month: string, days?: number) => call('companies', 'openAppeals', { month, days }, C.openAppeals.output),
  publishRanking: (month: string) => call('companies', 'publishRanking', { month }, C.publishRanking.output),
  appeal: (input: In<typeof C.appeal>) => call('companies', 'appeal', input, C.appeal.output),
  answerAppeal: (input: In<typeof C.answerAppeal>) => call('companies', 'answerAppeal', input, C.answerAppeal.output),
  appeals: (month: string) => call('companies', 'appeals', { month, page: 1, pageSize: 100 }, C.appeals.output),
  setPartyBuilding: (input: In<typeof C.setPartyBuilding>) => call('companies', 'setPartyBuilding', input, C.setPartyBuilding.output)
}

/** Typed calls of the `wishes` function (微心愿 and the 我为群众办实事 ledger). */
export const wishesApi = {
  create: (input: In<typeof W.create>) => call('wishes', 'create', input, W.create.output),
  list: (input: In<typeof W.list>) => call('wishes', 'list', input, W.list.output),
  get: (wishId: string) => call('wishes', 'get', { wishId }, W.get.output),
  claim: (wishId: string) => call('wishes', 'claim', { wishId }, W.claim.output),
  release: (wishId: string, note?: string) => call('wishes', 'release', { wishId, note }, W.release.output),
  complete: (input: In<typeof W.complete>) => call('wishes', 'complete', input, W.complete.output),
  confirm: (input: In<typeof W.confirm>) => call('wishes', 'confirm', input, W.confirm.output),
  cancel: (wishId: string, note?: string) => call('wishes', 'cancel', { wishId, note }, W.cancel.output),
  deeds: (input: In<typeof W.deeds>) => call('wishes', 'deeds', input, W.deeds.output),
  deedTotals: (communityId?: string) => call('wishes', 'deedTotals', communityId ? { communityId } : {}, W.deedTotals.output)
}
