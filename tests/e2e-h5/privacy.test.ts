/**
 * 个人信息与隐私 (issue #16) as people use it: a resident sees what is held about them and withdraws
 * a consent; a member deletes their account; the district admin reads who saw whose number; a
 * person who is not a party member registers as a volunteer on their first sign-up.
 */
import { PRIVACY_POLICY_VERSION } from '../../contracts/privacy'
import { startApp, type TestApp } from './support/app'

let app: TestApp
beforeAll(async () => {
  app = await startApp()
})
afterAll(() => app?.close())

it('a resident sees what is held about them and withdraws the volunteer consent', async () => {
  const page = await app.newPage('demo-resident')
  await page.goto(`${app.baseUrl}/#/pages/mine/index`)
  await page.getByText('个人信息与隐私').click()
  await page.getByText('我的记录').waitFor()
  const tickets = app.cloud.store.count('tickets', { reporterOpenid: 'demo-resident' })
  expect(tickets).toBeGreaterThan(0)
  await page.locator('[data-testid="data-tickets"]').getByText(`${tickets} 条`, { exact: true }).waitFor()
  await page.getByText('志愿者实名登记').first().waitFor()
  await page.getByText(`规则版本：${PRIVACY_POLICY_VERSION}`, { exact: false }).first().waitFor()
  await app.screenshot(page, 'privacy-1-my-data')

  const volunteer = page.locator('[data-testid="consent-volunteer"]')
  await volunteer.locator('.pv-consent__button-text', { hasText: '撤回同意' }).click()
  await page.getByText('撤回后：', { exact: false }).waitFor()
  await app.screenshot(page, 'privacy-2-withdraw-confirm')
  await page.getByText('确定撤回').click()
  await page.getByText('已撤回同意').waitFor()
  await page.getByText('知道了').click()
  expect(app.cloud.store.count('consents', { openid: 'demo-resident', purpose: 'volunteer', event: 'withdrawn' })).toBe(1)
  expect(app.cloud.store.findOne('users', { openid: 'demo-resident' })!.volunteerSince ?? null).toBeNull()
  await volunteer.getByText('已撤回').waitFor()
  await app.screenshot(page, 'privacy-3-withdrawn')
  await page.close()
})

it('a member deletes their account after two confirmations; verified records are kept', async () => {
  // A twin of the demo member (same roles and records kept by openid would be theirs): a fresh account.
  const member = app.cloud.store.findOne('users', { openid: 'demo-member' })!
  const openid = 'e2e-leaving-member'
  app.cloud.store.insertOne('users', { ...member, _id: openid, openid })
  app.cloud.store.insertOne('serviceRecords', { _id: `e2e-record:${openid}`, openid, activityId: 'e2e-record', communityId: 'c1', status: 'approved', minutes: 90, name: member.profile.name })
  const page = await app.newPage(openid)
  await page.goto(`${app.baseUrl}/#/packages/privacy/pages/mydata/index`)
  await page.getByText('注销账号').first().waitFor()
  await page.getByText('注销账号').last().click()
  await page.getByText('继续注销').waitFor()
  await app.screenshot(page, 'privacy-4-delete-confirm')
  await page.getByText('继续注销').click()
  await page.getByText('确定注销').click()
  await page.getByText('账号已注销').waitFor()
  await app.screenshot(page, 'privacy-5-deleted')
  expect(app.cloud.store.count('users', { openid })).toBe(0)
  expect(app.cloud.store.get('serviceRecords', `e2e-record:${openid}`)).toMatchObject({ status: 'approved', minutes: 90 })
  expect(app.cloud.store.count('auditLogs', { actor: openid, action: 'users.deleteAccount' })).toBe(1)
  await page.close()
})

it('the district admin reads who saw whose number', async () => {
  const ticket = app.cloud.store.findOne('tickets', { communityId: 'c1', reporterMobile: { $ne: null } } as any)
  expect(ticket).toBeTruthy()
  await app.cloud.ok('tickets', 'revealMobile', { ticketId: ticket!._id }, 'demo-staff')
  const page = await app.newPage('demo-admin')
  await page.goto(`${app.baseUrl}/#/pages/home/index`)
  await page.getByText('访问记录').first().click()
  await page.getByText('查看手机号').first().waitFor()
  const entry = page.locator('[data-testid="audit-entry"]', { hasText: `问题反映：${ticket!.reporterName}` }).first()
  await entry.getByText('查看问题反映人手机号').waitFor()
  await entry.getByText('张敏（社区工作者）').waitFor()
  await app.screenshot(page, 'privacy-6-audit-log')
  await page.close()
})

it('someone who is not a party member registers as a volunteer on their first sign-up', async () => {
  const start = new Date(app.cloud.clock.now() + 3 * 86400000)
  const activity = await app.cloud.ok(
    'activities',
    'create',
    { communityId: 'c1', title: '楼道清洁志愿服务', category: '文明创建', start: start.toISOString(), end: new Date(start.getTime() + 2 * 3600000).toISOString(), place: { name: '东风社区党群服务中心' }, capacity: 10 },
    'demo-staff'
  )
  const page = await app.newPage('demo-committee')
  await page.goto(`${app.baseUrl}/#/packages/volunteer/pages/detail/index?id=${activity._id}`)
  await page.getByText('立即报名', { exact: false }).click()
  await page.locator('.vj__consent-text').waitFor()
  await app.screenshot(page, 'privacy-7-join')
  // The committee member's name and mobile are on record already: shown, not asked again.
  await page.locator('[data-testid="join-name-fixed"]').getByText('周委员').waitFor()
  await page.locator('[data-testid="join-mobile-fixed"]').getByText('139****0007').waitFor()
  await page.locator('[data-testid="join-consent"]').click()
  await page.getByText('登记并返回报名').click()
  await page.getByText('您已报名', { exact: false }).first().waitFor()
  await app.screenshot(page, 'privacy-8-signed-up-after-join')
  expect(app.cloud.store.get('activitySignups', `${activity._id}:demo-committee`)!.status).toBe('confirmed')
  expect(app.cloud.store.count('consents', { openid: 'demo-committee', purpose: 'volunteer', event: 'given' })).toBe(1)
  await page.close()
})
