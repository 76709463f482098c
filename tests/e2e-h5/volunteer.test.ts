/**
 * 志愿服务 on H5: staff publish an activity and show the rotating check-in code; a member signs up,
 * checks in and out by opening the code's link; staff verify the hours; the member opens the
 * certificate, and a stranger (signed out) verifies it. Runs on the built app (dist/h5) over a
 * fresh emulator cloud; the browser's clock follows the cloud's (it starts Friday 2026-11-27
 * 09:00 Shanghai, and moves to the activity's day).
 */
import type { Page } from 'playwright-core'
import { startApp, type TestApp } from './support/app'

let app: TestApp

beforeAll(async () => {
  app = await startApp()
})
afterAll(() => app?.close())

const TITLE = '单元楼道杂物清理'

/** Moves the cloud's clock and every open page's clock to a Shanghai wall-clock time. */
async function setTime(local: string, pages: Page[]) {
  app.cloud.clock.set(`${local}+08:00`)
  for (const page of pages) await page.clock.setFixedTime(new Date(app.cloud.clock.now()))
}

/**
 * The pages share one browser profile, so the dev persona (localStorage) is shared too: switch it
 * before acting as someone else.
 */
async function as(page: Page, openid: string) {
  await page.evaluate((id) => window.localStorage.setItem('honglin.openid', id), openid)
}

/** A screenshot once the page transition has settled. */
async function shot(page: Page, name: string) {
  await page.waitForTimeout(700)
  await app.screenshot(page, name)
}

async function open(openid: string | undefined, hash: string): Promise<Page> {
  const page = await app.newPage(openid)
  await page.clock.setFixedTime(new Date(app.cloud.clock.now()))
  await page.goto(`${app.baseUrl}/#${hash}`)
  return page
}

test('staff publish and show the code; a member signs up, checks in and out; staff verify; the certificate is verified by a stranger', async () => {
  // Staff publish tomorrow's activity (the form's defaults: 09:00–11:00, sign-up until 18:00 today).
  const staff = await open('demo-staff', '/packages/volunteer/pages/manage/index')
  await staff.getByText('发布志愿服务活动').click()
  await staff.getByRole('textbox', { name: '例如：楼道杂物清理' }).fill(TITLE)
  await staff.getByRole('textbox', { name: '做什么、需要带什么、注意事项' }).fill('清理楼道堆放的纸箱杂物，请自带手套。')
  await staff.getByRole('textbox', { name: '例如：锦绣花园3号楼' }).fill('锦绣花园5号楼')
  await shot(staff, 'volunteer-1-publish')
  await staff.getByText('确认发布', { exact: true }).click()
  await staff.getByText('组织者工作台').waitFor()
  const activity = app.cloud.store.findOne('activities', { title: TITLE })!
  expect(activity).toMatchObject({ communityId: 'c1', capacity: 20, kind: 'volunteer', place: { name: '锦绣花园5号楼' } })
  expect(activity.start).toEqual(new Date('2026-11-28T09:00:00+08:00'))

  // The member finds it on the 活动 tab and signs up.
  const member = await open('demo-member', '/pages/activities/index')
  await member.getByText(TITLE).first().waitFor()
  await shot(member, 'volunteer-2-tab')
  await member.getByText(TITLE).first().click()
  await member.getByText('立即报名（还剩20个名额）').click()
  await member.getByText('您已报名。活动开始前1小时起，到现场扫描工作人员出示的签到码签到。').waitFor()
  await shot(member, 'volunteer-3-signed-up')
  expect(app.cloud.store.get('activitySignups', `${activity._id}:demo-member`)!.status).toBe('confirmed')

  // On the day, staff show the rotating code on their phone.
  await setTime('2026-11-28T08:50:00', [staff, member])
  await as(staff, 'demo-staff')
  await staff.goto(`${app.baseUrl}/#/packages/volunteer/pages/code/index?id=${activity._id}`)
  const codeText = staff.locator('.vt-qr__code')
  await codeText.waitFor()
  const token = (await codeText.textContent())!.trim()
  expect(token.length).toBeLessThanOrEqual(32)
  await staff.locator('.vt-qr__image').waitFor()
  await shot(staff, 'volunteer-4-code')

  // The member's phone opens the code's link: checked in at once.
  await as(member, 'demo-member')
  await member.goto(`${app.baseUrl}/#/packages/volunteer/pages/checkin/index?t=${encodeURIComponent(token)}`)
  await member.getByText('签到成功').waitFor()
  await shot(member, 'volunteer-5-checked-in')
  expect(app.cloud.store.get('serviceRecords', `${activity._id}:demo-member`)).toMatchObject({ status: 'open' })

  // After the activity the member scans the (new) code again and checks out.
  await setTime('2026-11-28T11:05:00', [staff, member])
  await as(staff, 'demo-staff')
  await staff.reload()
  await staff.locator('.vt-qr__code').waitFor()
  await staff.waitForFunction((old) => document.querySelector('.vt-qr__code')?.textContent?.trim() !== old, token)
  const later = (await staff.locator('.vt-qr__code').textContent())!.trim()
  await as(member, 'demo-member')
  await member.goto(`${app.baseUrl}/#/packages/volunteer/pages/checkin/index?t=${encodeURIComponent(later)}`)
  await member.getByText('确认签退').click()
  await member.getByText('签退成功').waitFor()
  await member.getByText('本次服务 2小时，等待社区审核认定').waitFor()
  await shot(member, 'volunteer-6-checked-out')

  // Staff verify the hours.
  await as(staff, 'demo-staff')
  await staff.goto(`${app.baseUrl}/#/packages/volunteer/pages/records/index?id=${activity._id}`)
  await staff.getByText('李明').waitFor()
  await shot(staff, 'volunteer-7-records')
  await staff.getByText('认定', { exact: true }).click()
  await staff.getByText('没有待审核的记录').waitFor()
  expect(app.cloud.store.get('serviceRecords', `${activity._id}:demo-member`)).toMatchObject({ status: 'approved', verifiedMinutes: 120, verifiedBy: 'demo-staff' })

  // The member sees the hours and opens the certificate.
  await as(member, 'demo-member')
  await member.goto(`${app.baseUrl}/#/packages/volunteer/pages/hours/index`)
  await member.getByText('开具志愿服务证明').waitFor()
  await shot(member, 'volunteer-8-hours')
  await member.getByText('开具证明').first().click()
  // The first certificate asks for the identity document the 办法 requires, with consent.
  await member.getByText('证件信息').waitFor()
  await member.getByText('同意并开具证明').click()
  await member.getByText('请填写证件号码').waitFor()
  await member.locator('input[placeholder="请输入证件上的号码"]').fill('11010519491231002X')
  await member.locator('[role="checkbox"]').click()
  await shot(member, 'volunteer-9a-certificate-identity')
  await member.getByText('同意并开具证明').click()
  await member.getByText('志愿服务记录证明').waitFor()
  await member.getByText('1101**********002X', { exact: false }).first().waitFor()
  await member.locator('.vc').getByText(TITLE, { exact: false }).waitFor()
  await shot(member, 'volunteer-9-certificate')
  await member.locator('.vc__seal').scrollIntoViewIfNeeded()
  await shot(member, 'volunteer-9b-certificate-foot')
  const certificate = app.cloud.store.findOne('certificates', { openid: 'demo-member' })!
  await member.getByText(`证明编号：${certificate._id}`).waitFor()

  // A stranger, signed out, verifies it by its link (a page of its own: no persona at all).
  await staff.close()
  await member.close()
  const stranger = await open(undefined, `/packages/volunteer/pages/verify/index?no=${certificate._id}`)
  await stranger.getByText('证明真实有效').waitFor()
  await stranger.getByText(`志愿者：李*（编号 ${certificate.volunteerNo}）`).waitFor()
  expect(await stranger.content()).not.toContain('13900000002')
  await shot(stranger, 'volunteer-10-verify')
}, 240_000)

test('every volunteer page renders for the people who use it', async () => {
  app.cloud.clock.set('2026-11-27T09:00:00+08:00')
  const live = app.cloud.store.findOne('activities', { communityId: 'c1', title: '楼道杂物清理', status: 'published' })!
  const ended = app.cloud.store.findOne('activities', { communityId: 'c1', title: '电动车充电安全检查', end: { $lt: new Date('2026-11-27T09:00:00+08:00') } }, { sort: { start: -1 } })!
  const team = app.cloud.store.findOne('teams', { communityId: 'c1', type: 'emergency' })!

  const staff = await open('demo-staff', `/packages/volunteer/pages/detail/index?id=${live._id}`)
  await staff.getByText('组织者工作台').waitFor()
  await shot(staff, 'volunteer-tour-1-detail-organiser')
  await staff.goto(`${app.baseUrl}/#/packages/volunteer/pages/roster/index?id=${live._id}`)
  await staff.getByText('联系报名者（查看号码会留存记录）', { exact: false }).waitFor()
  await shot(staff, 'volunteer-tour-2-roster')
  await staff.goto(`${app.baseUrl}/#/packages/volunteer/pages/records/index?id=${ended._id}`)
  await staff.getByText('共 7 条').waitFor()
  await shot(staff, 'volunteer-tour-3-records-pending')
  await staff.goto(`${app.baseUrl}/#/packages/volunteer/pages/scan/index?id=${live._id}`)
  await staff.getByText('本次记录').waitFor()
  const card = await app.cloud.ok('activities', 'memberCode', {}, 'demo-resident')
  // The full signed code printed under the QR (a volunteer number alone is refused).
  await staff.getByRole('textbox', { name: '例如 SFQ000123.Ab3dEf7h' }).fill(card.memberCode)
  await staff.getByText('签到', { exact: true }).last().click()
  // 王秀兰 did not sign up: the organiser is asked to confirm the walk-in.
  await staff.getByText('确认现场报名并签到').click()
  await staff.getByText('王秀兰 签到', { exact: false }).waitFor()
  await shot(staff, 'volunteer-tour-4-staff-scan')
  await staff.goto(`${app.baseUrl}/#/packages/volunteer/pages/manage/index`)
  await staff.getByText('东风社区的活动').waitFor()
  await shot(staff, 'volunteer-tour-5-manage')
  await staff.goto(`${app.baseUrl}/#/packages/volunteer/pages/team/index?id=${team._id}`)
  await staff.getByText('编入队员').waitFor()
  await shot(staff, 'volunteer-tour-6-team-keeper')

  await staff.close()

  const member = await open('demo-member', '/packages/volunteer/pages/mycode/index')
  await member.locator('.vt-qr__image').waitFor()
  await shot(member, 'volunteer-tour-7-mycode')
  await member.goto(`${app.baseUrl}/#/packages/volunteer/pages/ranking/index`)
  await member.getByText('东风社区志愿服务排行').waitFor()
  await shot(member, 'volunteer-tour-8-ranking')
  await member.goto(`${app.baseUrl}/#/packages/volunteer/pages/teams/index`)
  await member.getByText('东风社区的队伍').waitFor()
  expect(await member.getByText('组建队伍').count()).toBe(0)
  await shot(member, 'volunteer-tour-9-teams')
  await member.goto(`${app.baseUrl}/#/packages/volunteer/pages/detail/index?id=${live._id}`)
  await member.getByText('活动介绍').waitFor()
  expect(await member.getByText('组织者工作台').count()).toBe(0)
  await shot(member, 'volunteer-tour-10-detail-member')
}, 240_000)
