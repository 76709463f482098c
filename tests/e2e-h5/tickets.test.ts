/**
 * 三方联动 on H5: a resident reports a blocked drain with a photo, the property company accepts and
 * resolves it, the resident confirms with 5 stars, and the month's ranking (the district admin's
 * live draft) counts the rating for the company. Runs on the built app (dist/h5) over a fresh
 * emulator cloud with the demo district; the browser's clock is pinned to the cloud's.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import QRCode from 'qrcode'
import type { Page } from 'playwright-core'
import { deliverMessages } from '../support/messages'
import { startApp, type TestApp } from './support/app'

let app: TestApp
let photoPath: string
const pages: Page[] = []

beforeAll(async () => {
  app = await startApp()
  photoPath = join(mkdtempSync(join(tmpdir(), 'honglin-photo-')), 'drain.png')
  await QRCode.toFile(photoPath, '下水道堵塞现场照片', { width: 600, color: { dark: '#5a4630', light: '#d8d2c4' } })
})
afterAll(() => app?.close())

/** One persona at a time (the dev sign-in is per browser profile): earlier tabs are closed. */
async function open(openid: string, hash: string): Promise<Page> {
  while (pages.length) await pages.pop()!.close()
  const page = await app.newPage(openid)
  pages.push(page)
  await page.clock.setFixedTime(new Date(app.cloud.clock.now()))
  await page.goto(`${app.baseUrl}/#${hash}`)
  return page
}

/** Taro H5 keeps earlier pages of the stack in the DOM (hidden): only look at what is shown. */
const shown = (page: Page, text: string | RegExp, exact = true) => page.getByText(text, { exact }).locator('visible=true').first()

async function co1Ratings(): Promise<number> {
  const card = await app.cloud.ok('companies', 'scorecard', { companyId: 'co1', month: '2026-11' }, 'demo-admin')
  return card.ratingCount
}

test('report a blocked drain with a photo → the property company accepts and resolves → 5 stars → the ranking counts it', async () => {
  const ratingsBefore = await co1Ratings()

  // The resident reports from 我要报事: category, what happened, a photo; the compound is prefilled.
  const resident = await open('demo-resident', '/packages/tickets/pages/create/index')
  await resident.getByText('1. 什么问题').waitFor()
  await resident.getByText('锦绣花园', { exact: false }).first().waitFor()
  await resident.locator('[data-category="drain"]').click()
  await resident.locator('textarea').first().fill('1号楼东侧下水道堵塞，污水漫到路面，老人出门很不方便')
  const chooser = resident.waitForEvent('filechooser')
  await resident.locator('[data-testid="add-photo"]').click()
  await (await chooser).setFiles(photoPath)
  await resident.locator('.tk-photos__item').first().waitFor()
  await app.screenshot(resident, 'tickets-1-report')
  await resident.getByText('提交反映').click()
  // The success panel replaces the form (#18); its 查看详情 opens the new report.
  await resident.getByText('查看详情').click()

  await resident.getByText('办理经过').waitFor()
  const ticket = app.cloud.store.find('tickets', { reporterOpenid: 'demo-resident', category: 'drain' }).find((t: any) => t.description.startsWith('1号楼东侧'))!
  expect(ticket).toMatchObject({ status: 'submitted', party: 'property_company', companyId: 'co1', gridId: 'c1g1', buildingId: 'c1g1b1' })
  expect(ticket.photos).toHaveLength(1)
  expect(ticket.photos[0]).toMatch(/^local:\/\/uploads\/demo-resident\//)
  // (the success panel behind, hidden in the page stack, names the company too)
  await resident.getByText('安居物业服务有限公司').filter({ visible: true }).first().waitFor()
  await resident.locator('.tk-photos__img').first().waitFor()
  await app.screenshot(resident, 'tickets-2-submitted')
  // the lead party was told (within a minute: the message queue's timer delivers it)
  await deliverMessages(app.cloud)
  expect(app.cloud.store.findOne('outbox', { touser: 'demo-property', templateId: 'tpl-ticket-assigned', page: { $regex: ticket._id } })).toBeTruthy()

  // The property company finds it in its queue, accepts it, then resolves it with a note.
  const property = await open('demo-property', '/packages/tickets/pages/work/index')
  await property.locator(`[data-ticket-id="${ticket._id}"]`).waitFor()
  await app.screenshot(property, 'tickets-3-queue')
  await property.locator(`[data-ticket-id="${ticket._id}"]`).click()
  await shown(property, '受理').click()
  await shown(property, '已受理').waitFor()
  expect(app.cloud.store.get('tickets', ticket._id)!.status).toBe('accepted')
  await shown(property, '办结').click()
  await property.locator('textarea >> visible=true').first().fill('已安排疏通，管道恢复通畅，路面已冲洗干净')
  await shown(property, '确定').click()
  await shown(property, '待确认').waitFor()
  await app.screenshot(property, 'tickets-4-resolved')
  expect(app.cloud.store.get('tickets', ticket._id)).toMatchObject({ status: 'resolved', resolvedBy: 'property_company', resolvedOnTime: true })

  // The resident confirms with five stars.
  const back = await open('demo-resident', `/packages/tickets/pages/detail/index?id=${ticket._id}`)
  await back.getByText('问题解决了吗？').waitFor()
  await back.getByText('已安排疏通，管道恢复通畅，路面已冲洗干净').waitFor()
  await back.locator('.tk-stars [data-star="5"]').first().click()
  await back.getByText('非常满意').waitFor()
  await app.screenshot(back, 'tickets-5-rate')
  await back.getByText('已解决，提交评价').click()
  await back.getByText('居民确认：5星（非常满意）').waitFor()
  await app.screenshot(back, 'tickets-6-confirmed')
  expect(app.cloud.store.get('tickets', ticket._id)).toMatchObject({ status: 'closed', closeReason: 'confirmed', rating: 5, ratedMonth: '2026-11' })
  expect(app.cloud.store.get('deeds', `ticket:${ticket._id}`)).toMatchObject({ figure: 'otherProblems', rating: 5 }) // the property company alone: a problem solved, not a joint 堵点

  // The month's ranking: co1's card now counts one more rating.
  expect(await co1Ratings()).toBe(ratingsBefore + 1)
  const admin = await open('demo-admin', '/packages/tickets/pages/ranking/index?month=2026-11')
  await admin.getByText('2026年11月').waitFor()
  await admin.getByText('审核通过，开启申诉期').waitFor()
  const expand = admin.getByText(/展开全部\d+家/)
  if (await expand.count()) await expand.click()
  const row = admin.locator('[data-company-id="co1"]').first()
  await row.waitFor()
  await row.getByText(`（${ratingsBefore + 1}人评）`, { exact: false }).waitFor()
  await row.scrollIntoViewIfNeeded()
  await app.screenshot(admin, 'tickets-7-ranking')

  // Residents see the published 红黑榜 of last month.
  const published = await open('demo-resident', '/packages/tickets/pages/ranking/index')
  await published.locator('.tk-banner__flag', { hasText: '流动红旗' }).waitFor()
  await shown(published, '红榜').waitFor()
  await shown(published, '黑榜').waitFor()
  expect(await published.locator('.tk-rank__no--red >> visible=true').count()).toBeGreaterThanOrEqual(10)
  await app.screenshot(published, 'tickets-8-red-black-list')
})

test('a member claims a wish; the resident sees the ledger, a company and the rules', async () => {
  // demo-member claims an open wish in 东风社区
  const member = await open('demo-member', '/packages/tickets/pages/wishes/index')
  await shown(member, '待认领').waitFor()
  const open1 = app.cloud.store.find('wishes', { communityId: 'c1', status: 'open' })[0]
  await member.locator(`[data-wish-id="${open1._id}"] >> visible=true`).click()
  await shown(member, '我来认领').click()
  await shown(member, '完成心愿').waitFor()
  await app.screenshot(member, 'tickets-9-wish-claimed')
  expect(app.cloud.store.get('wishes', open1._id)).toMatchObject({ status: 'claimed', memberOpenid: 'demo-member' })

  // the resident confirms the wish demo-member completed for her (the seed's), and it becomes hours
  const completed = app.cloud.store.find('wishes', { residentOpenid: 'demo-resident', status: 'completed' })[0]
  const resident = await open('demo-resident', `/packages/tickets/pages/wish/index?id=${completed._id}`)
  await shown(resident, '心愿实现了吗？').waitFor()
  await shown(resident, '确认已完成').click()
  await shown(resident, '45分钟（已计入志愿服务时长）').waitFor()
  await app.screenshot(resident, 'tickets-10-wish-confirmed')
  expect(app.cloud.store.findOne('serviceRecords', { wishId: completed._id, openid: 'demo-member', minutes: 45 })).toBeTruthy()

  const deeds = await open('demo-resident', '/packages/tickets/pages/deeds/index')
  await deeds.locator('[data-figure="problemsSolved"] >> visible=true').waitFor()
  await app.screenshot(deeds, 'tickets-11-deeds')

  const company = await open('demo-resident', '/packages/tickets/pages/company/index?id=co1&month=2026-10')
  await shown(company, '考评得分').waitFor()
  await app.screenshot(company, 'tickets-12-company')

  const rules = await open('demo-admin', '/packages/tickets/pages/rules/index')
  await shown(rules, '派单规则').waitFor()
  await app.screenshot(rules, 'tickets-13-rules')
})
