/**
 * 在职党员报到 on H5: staff open their community's poster, a party member follows the code's link
 * (what the QR encodes on the emulator), registers, staff approve and place them, and the member
 * sees their 党支部 and 党员中心户. Runs on the built app (dist/h5) over a fresh emulator cloud.
 */
import type { Page } from 'playwright-core'
import { startApp, type TestApp } from './support/app'

let app: TestApp

beforeAll(async () => {
  app = await startApp()
})
afterAll(() => app?.close())

const MEMBER = 'e2e-new-member'

async function open(openid: string, url: string): Promise<Page> {
  const page = await app.newPage(openid)
  await page.clock.setFixedTime(new Date(app.cloud.clock.now()))
  await page.goto(url.startsWith('http') ? url : `${app.baseUrl}/#${url}`)
  return page
}

test('staff open the poster, a member registers through its link, staff approve, the member sees the placement', async () => {
  // Staff of 东风社区 open 报到管理 and the community's poster.
  const staff = await open('demo-staff', '/packages/register/pages/review/index')
  await staff.getByText('东风社区在职党员报到').waitFor()
  await staff.getByTestId('pending-count').getByText('6').waitFor()
  await app.screenshot(staff, 'register-1-manage')
  await staff.getByTestId('open-poster').click()
  await staff.getByText('在职党员到居住地报到').waitFor()
  const code = staff.getByTestId('poster-code').locator('img')
  await code.waitFor()
  await staff.waitForFunction(() => {
    const img = document.querySelector('[data-testid="poster-code"] img') as HTMLImageElement | null
    return !!img && img.complete && img.naturalWidth > 0
  })
  await app.screenshot(staff, 'register-2-poster')
  const record = app.cloud.store.findOne('communityCodes', { communityId: 'c1' })!
  await staff.getByText(`报到码：${record._id}`).waitFor()
  await staff.close()

  // The QR encodes the H5 page with the scene: the member follows it.
  const link = `${app.baseUrl}/#/packages/register/pages/form/index?scene=${record._id}`
  const member = await open(MEMBER, link)
  await member.getByTestId('form-community').getByText('东风社区').waitFor()
  await app.screenshot(member, 'register-3a-form-top')
  // Submitting without consent is refused on the spot, with the reason next to the box.
  await member.locator(`input[placeholder="${'请输入真实姓名'}"]`).fill('周建平')
  await member.locator(`input[placeholder="${'11位手机号'}"]`).fill('13712345678')
  await member.locator(`input[placeholder="${'如：区教育体育局'}"]`).fill('区住房和城乡建设局')
  await member.locator(`input[placeholder="${'如：区教体局机关第一党支部'}"]`).fill('区住建局机关第二党支部')
  await member.getByTestId('grid-c1g2').click()
  await member.getByTestId('building-c1g2b3').click()
  await member.getByTestId('unit-2').click()
  await member.locator(`input[placeholder="${'如：502'}"]`).fill('601')
  await member.getByTestId('skill-水电维修').click()
  await member.getByTestId('service-environment').click()
  await member.getByTestId('service-elderly').click()
  await member.getByText('提交报到').click()
  await member.getByText('请阅读并同意个人信息处理规则').waitFor()
  expect(app.cloud.store.count('registrations', { openid: MEMBER })).toBe(0)
  await member.getByTestId('consent').click()
  await app.screenshot(member, 'register-3-form')
  await member.getByText('提交报到').click()
  // The success panel replaces the form (#18); it leads to 我的报到.
  await member.getByText('查看我的报到').click()
  await member.getByTestId('status-pending').waitFor()
  await member.getByText('报到审核中').waitFor()
  await app.screenshot(member, 'register-4-pending')
  const submitted = app.cloud.store.findOne('registrations', { openid: MEMBER })!
  expect(submitted).toMatchObject({ status: 'pending', communityId: 'c1', gridId: 'c1g2', buildingId: 'c1g2b3', unit: '2', room: '601', skills: ['水电维修'], services: ['environment', 'elderly'] })
  await member.close()

  // Staff find it in the queue, open it and approve with the suggested placement.
  const reviewer = await open('demo-staff', '/packages/register/pages/review/index')
  const card = reviewer.getByTestId(`registration-${submitted._id}`)
  await card.getByText('周建平').waitFor()
  await card.click()
  await reviewer.getByText('编入党组织').waitFor()
  await reviewer.getByText('137****5678', { exact: true }).waitFor()
  await reviewer.getByText('阳光花园3号楼党小组', { exact: true }).waitFor()
  await reviewer.waitForTimeout(400) // the page's slide-in transition
  await app.screenshot(reviewer, 'register-5-review')
  // Staff may adjust each level; the suggestion is marked.
  await reviewer.getByText('调整', { exact: true }).click()
  await reviewer.getByTestId('group-pg-c1g2b3').getByText('（建议）').waitFor()
  await reviewer.getByTestId('group-pg-c1g2b1').click()
  await reviewer.getByText('阳光花园1号楼党小组', { exact: true }).waitFor()
  await reviewer.getByTestId('group-pg-c1g2b3').click()
  await app.screenshot(reviewer, 'register-5b-adjust')
  await reviewer.getByText('查看完整号码').click()
  await reviewer.getByText('13712345678', { exact: true }).waitFor()
  expect(app.cloud.store.count('auditLogs', { actor: 'demo-staff', action: 'members.viewMobile', 'target.id': submitted._id })).toBe(1)
  await reviewer.getByText('通过并编入').click()
  await reviewer.getByText('编入党组织').waitFor({ state: 'detached' })
  expect(app.cloud.store.get('registrations', submitted._id)).toMatchObject({ status: 'approved', placement: { branchId: 'br-c1g2', partyGroupId: 'pg-c1g2b3' } })
  expect(app.cloud.store.get('users', MEMBER)!.roles).toContain('member')
  expect(app.cloud.store.findOne('outbox', { touser: MEMBER, templateId: 'tpl-registration-reviewed' })).toBeTruthy()
  await reviewer.close()

  // The member sees where they serve and whom to contact.
  const placed = await open(MEMBER, '/packages/register/pages/mine/index')
  await placed.getByTestId('status-approved').waitFor()
  await placed.getByText('我的党组织').waitFor()
  const branch = app.cloud.store.get('branches', 'br-c1g2')!
  await placed.getByText(branch.name as string).waitFor()
  await placed.getByText(`党支部书记：${branch.secretary}`).waitFor()
  await placed.getByText('党员中心户', { exact: true }).waitFor()
  const household = app.cloud.store.get('centralHouseholds', 'ch-c1g2b3')!
  await placed.getByText(household.name as string).waitFor()
  await app.screenshot(placed, 'register-6-placed')
  await placed.close()
})

test('the progress page shows the district against its target', async () => {
  const admin = await open('demo-admin', '/packages/register/pages/progress/index')
  await admin.getByText('全区在职党员报到').waitFor()
  await admin.getByText(/目标 4403 人/).waitFor()
  await admin.getByTestId('progress-c7').getByText('光明社区').waitFor()
  await app.screenshot(admin, 'register-7-progress')
  await admin.close()
})

test('a resident without a registration is shown how to register; a rejected applicant sees why', async () => {
  const resident = await open('demo-resident', '/packages/register/pages/mine/index')
  await resident.getByText('您还没有报到').waitFor()
  // H5 has no scanner: the code printed under the QR can be typed (or the link pasted).
  const scene = app.cloud.store.findOne('communityCodes', { communityId: 'c1' })!._id as string
  await resident.getByTestId('scene-input').locator('input').fill(`${app.baseUrl}/#/packages/register/pages/form/index?scene=${scene}`)
  await app.screenshot(resident, 'register-8-not-registered')
  await resident.getByText('确定', { exact: true }).click()
  await resident.getByTestId('form-community').getByText('东风社区').waitFor()
  await resident.close()

  const rejected = app.cloud.store.findOne('registrations', { status: 'rejected', communityId: 'c1' })!
  const applicant = await open(rejected.openid as string, '/packages/register/pages/mine/index')
  await applicant.getByTestId('status-rejected').getByText(rejected.rejectReason as string, { exact: false }).waitFor()
  await app.screenshot(applicant, 'register-9-rejected')
  await applicant.close()
})
