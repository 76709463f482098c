/**
 * Every reply of the three functions, on the demo district, matches the output schema the app
 * parses it with (contracts): nothing the server sends is rejected by the client.
 */
import { companiesContract } from '../../contracts/companies'
import { ticketsContract } from '../../contracts/tickets'
import { wishesContract } from '../../contracts/wishes'
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(async () => {
  await cloud.close()
})

const personas = ['demo-resident', 'demo-member', 'demo-staff', 'demo-admin', 'demo-property', 'demo-committee']

test('tickets', async () => {
  for (const openid of personas) {
    for (const scope of ['mine', 'compound', 'queue'] as const) {
      const reply = await cloud.call('tickets', 'list', { scope, page: 1, pageSize: 50, gridId: scope === 'compound' ? 'c1g1' : undefined }, openid)
      if (!reply.ok) {
        expect(reply.error.code).toBe('FORBIDDEN')
        continue
      }
      const page = ticketsContract.list.output.parse(reply.data)
      for (const item of page.items.slice(0, 8)) ticketsContract.get.output.parse(await cloud.ok('tickets', 'get', { ticketId: item._id }, openid))
    }
  }
  ticketsContract.rules.output.parse(await cloud.ok('tickets', 'rules', {}, 'demo-resident'))
  ticketsContract.sweep.output.parse(await cloud.ok('tickets', 'sweep', {}, 'demo-admin'))
})

test('companies', async () => {
  const list = companiesContract.list.output.parse(await cloud.ok('companies', 'list', { page: 1, pageSize: 50 }, 'demo-resident'))
  companiesContract.get.output.parse(await cloud.ok('companies', 'get', { companyId: list.items[0]._id }, 'demo-resident'))
  for (const openid of ['demo-resident', 'demo-admin', 'demo-property']) {
    const ranking = companiesContract.ranking.output.parse(await cloud.ok('companies', 'ranking', {}, openid))
    companiesContract.scorecard.output.parse(await cloud.ok('companies', 'scorecard', { companyId: 'co1', month: ranking.month }, openid))
  }
  companiesContract.ranking.output.parse(await cloud.ok('companies', 'ranking', { month: '2026-11' }, 'demo-admin'))
  companiesContract.appeals.output.parse(await cloud.ok('companies', 'appeals', { month: '2026-10', page: 1, pageSize: 20 }, 'demo-admin'))
})

test('wishes and the ledger', async () => {
  for (const [openid, scope] of [['demo-resident', 'mine'], ['demo-member', 'open'], ['demo-member', 'claimed'], ['demo-staff', 'community'], ['demo-admin', 'community']] as const) {
    const page = wishesContract.list.output.parse(await cloud.ok('wishes', 'list', { scope, page: 1, pageSize: 50 }, openid))
    for (const w of page.items.slice(0, 5)) wishesContract.get.output.parse(await cloud.ok('wishes', 'get', { wishId: w._id }, openid))
  }
  wishesContract.deeds.output.parse(await cloud.ok('wishes', 'deeds', { page: 1, pageSize: 50 }, 'demo-resident'))
  wishesContract.deedTotals.output.parse(await cloud.ok('wishes', 'deedTotals', {}))
})
