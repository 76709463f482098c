/**
 * Scans without signal on H5: a member enters the check-in code while the phone is offline, sees
 * 已记录，联网后上传 with the scan time; when the signal returns the scan is sent by itself and
 * 签到成功 replaces it, counted from the scan time although the code has expired meanwhile. The
 * organiser's scan of a personal code is kept and sent likewise. The browser's clock follows the
 * cloud's (page.clock), as in volunteer.test.ts.
 */
import type { Page } from 'playwright-core'
import { startApp, type TestApp } from './support/app'

let app: TestApp

beforeAll(async () => {
  app = await startApp()
})
afterAll(() => app?.close())

async function setTime(local: string, pages: Page[]) {
  app.cloud.clock.set(`${local}+08:00`)
  for (const page of pages) await page.clock.setFixedTime(new Date(app.cloud.clock.now()))
}

async function shot(page: Page, name: string) {
  await page.waitForTimeout(500)
  await app.screenshot(page, name)
}

test('a check-in scanned offline is kept, then sent when the signal returns', async () => {
  app.cloud.clock.set('2026-11-27T09:00:00+08:00')
  const activity = await app.cloud.ok('activities', 'create', {
    title: '地下车库消防通道清理',
    category: '安全隐患排查',
    start: '2026-11-27 10:00',
    end: '2026-11-27 12:00',
    signUpDeadline: '2026-11-27 09:30',
    place: { name: '锦绣花园地下车库' },
    capacity: 10
  }, 'demo-staff')
  await app.cloud.ok('activities', 'signUp', { activityId: activity._id }, 'demo-member')

  const member = await app.newPage('demo-member')
  await member.setViewportSize({ width: 375, height: 812 })
  await setTime('2026-11-27T10:05:00', [member])
  await member.goto(`${app.baseUrl}/#/packages/volunteer/pages/checkin/index?activityId=${activity._id}`)
  await member.getByText('地下车库消防通道清理').first().waitFor()

  const token = (await app.cloud.ok('activities', 'checkinCode', { activityId: activity._id }, 'demo-staff')).token as string
  await member.context().setOffline(true)
  await member.getByRole('textbox', { name: '工作人员手机上二维码下方的编码' }).fill(token)
  await member.getByText('确定', { exact: true }).click()
  await member.getByText('已记录，联网后上传').waitFor()
  await member.getByText('签到扫码时间 10:05').waitFor()
  expect(await member.getByText('立即上传').count()).toBe(1)
  expect(await member.getByRole('textbox').count()).toBe(0)
  await shot(member, 'offline-scans-1-queued')
  expect(app.cloud.store.count('serviceRecords', { activityId: activity._id })).toBe(0)

  // Signal back ten minutes later: the code has long expired, the scan still counts from 10:05.
  await setTime('2026-11-27T10:15:00', [member])
  await member.context().setOffline(false)
  await member.getByText('签到成功').waitFor({ timeout: 15_000 })
  await member.getByText('签到时间 10:05').waitFor()
  expect(await member.getByText('已记录，联网后上传').count()).toBe(0)
  expect(await member.getByText('立即上传').count()).toBe(0)
  // The success replaces the form: no code field, no second 确定.
  expect(await member.getByRole('textbox').count()).toBe(0)
  expect(await member.getByText('确认签退').count()).toBe(0)
  await shot(member, 'offline-scans-2-sent')
  expect(app.cloud.store.get('serviceRecords', `${activity._id}:demo-member`)).toMatchObject({
    status: 'open',
    queued: true,
    checkInAt: new Date('2026-11-27T10:05:00+08:00')
  })
  await member.close()
}, 180_000)

test("the organiser's offline scan of a personal code is listed as waiting, then answered", async () => {
  app.cloud.clock.set('2026-11-27T09:00:00+08:00')
  const activity = await app.cloud.ok('activities', 'create', {
    title: '老年活动室整理',
    category: '邻里互助',
    start: '2026-11-27 10:00',
    end: '2026-11-27 12:00',
    signUpDeadline: '2026-11-27 09:30',
    place: { name: '锦绣花园活动室' },
    capacity: 10
  }, 'demo-staff')
  await app.cloud.ok('activities', 'signUp', { activityId: activity._id }, 'demo-member')
  const card = (await app.cloud.ok('activities', 'memberCode', {}, 'demo-member')).memberCode as string

  const staff = await app.newPage('demo-staff')
  await staff.setViewportSize({ width: 375, height: 812 })
  await setTime('2026-11-27T10:20:00', [staff])
  await staff.goto(`${app.baseUrl}/#/packages/volunteer/pages/scan/index?id=${activity._id}`)
  await staff.getByText('老年活动室整理').waitFor()
  await staff.context().setOffline(true)
  await staff.getByRole('textbox', { name: '例如 SFQ000123.Ab3dEf7h' }).fill(card)
  await staff.getByText('签到', { exact: true }).last().click()
  await staff.getByText('已记录，联网后上传', { exact: false }).waitFor()
  await staff.getByText('有1次无信号时的扫码等待上传', { exact: false }).waitFor()
  await shot(staff, 'offline-scans-3-staff-queued')

  await setTime('2026-11-27T10:40:00', [staff])
  await staff.context().setOffline(false)
  await staff.getByText('签到 10:20', { exact: false }).waitFor({ timeout: 15_000 })
  expect(await staff.getByText('已记录，联网后上传', { exact: false }).count()).toBe(0)
  await shot(staff, 'offline-scans-4-staff-sent')
  expect(app.cloud.store.get('serviceRecords', `${activity._id}:demo-member`)).toMatchObject({ checkInMethod: 'staff', queued: true, checkInAt: new Date('2026-11-27T10:20:00+08:00') })
  await staff.close()
}, 180_000)

/** No signal for cloud calls only (the page itself still loads): each call fails as without network. */
async function cutCalls(page: Page, which: (body: Record<string, unknown>) => boolean = () => true) {
  await page.route('**/api/functions/**', (route) => {
    const body = JSON.parse(route.request().postData() || '{}') as Record<string, unknown>
    return which(body) ? route.abort('internetdisconnected') : route.fallback()
  })
}

test('a check-out while the check-in still waits sends the check-in first; 首页 shows what waits and leads to 立即上传', async () => {
  app.cloud.clock.set('2026-11-28T09:00:00+08:00')
  const activity = await app.cloud.ok('activities', 'create', {
    title: '河道垃圾清理',
    category: '安全隐患排查',
    start: '2026-11-28 10:00',
    end: '2026-11-28 12:00',
    signUpDeadline: '2026-11-28 09:30',
    place: { name: '锦绣花园北门河道' },
    capacity: 10
  }, 'demo-staff')
  await app.cloud.ok('activities', 'signUp', { activityId: activity._id }, 'demo-member')

  const member = await app.newPage('demo-member')
  await member.setViewportSize({ width: 375, height: 812 })
  await setTime('2026-11-28T10:05:00', [member])
  await member.goto(`${app.baseUrl}/#/packages/volunteer/pages/checkin/index?activityId=${activity._id}`)
  await member.getByText('河道垃圾清理').first().waitFor()
  const token = (await app.cloud.ok('activities', 'checkinCode', { activityId: activity._id }, 'demo-staff')).token as string
  await cutCalls(member)
  await member.getByRole('textbox', { name: '工作人员手机上二维码下方的编码' }).fill(token)
  await member.getByText('确定', { exact: true }).click()
  await member.getByText('已记录，联网后上传').waitFor()

  // Signal back, except that the queued check-in keeps failing. 首页 (no scanning page open, nothing
  // uploads) shows the waiting scan, leading to the check-in page without a code.
  await member.unroute('**/api/functions/**')
  await cutCalls(member, (body) => body.action === 'checkIn')
  await member.goto(`${app.baseUrl}/#/pages/home/index`)
  const row = member.getByText('有1次扫码等待上传')
  await row.waitFor({ timeout: 15_000 })
  await shot(member, 'offline-scans-5-home-waiting')
  await row.click()
  await member.getByText('有1次无信号时的扫码等待上传', { exact: false }).waitFor()
  expect(await member.getByText('立即上传').count()).toBe(1)
  await shot(member, 'offline-scans-6-checkin-no-code')

  // At the end the organiser's new code is scanned, the check-in still waiting.
  await setTime('2026-11-28T11:30:00', [member])
  const late = (await app.cloud.ok('activities', 'checkinCode', { activityId: activity._id }, 'demo-staff')).token as string
  await member.goto(`${app.baseUrl}/#/packages/volunteer/pages/checkin/index?t=${encodeURIComponent(late)}`)
  const checkOut = member.getByText('确认签退')
  await checkOut.waitFor({ timeout: 15_000 })
  expect(app.cloud.store.count('serviceRecords', { activityId: activity._id })).toBe(0)
  await member.unroute('**/api/functions/**')
  await checkOut.click()
  await member.getByText('签退成功').waitFor({ timeout: 15_000 })
  await shot(member, 'offline-scans-7-checked-out-after-queued-in')
  expect(app.cloud.store.get('serviceRecords', `${activity._id}:demo-member`)).toMatchObject({
    queued: true,
    checkInAt: new Date('2026-11-28T10:05:00+08:00'),
    checkOutAt: new Date('2026-11-28T11:30:00+08:00')
  })
  await member.close()
}, 180_000)

test('several queued scans that each ask for a confirmation are asked one after another', async () => {
  app.cloud.clock.set('2026-11-29T09:00:00+08:00')
  const activity = await app.cloud.ok('activities', 'create', {
    title: '社区义诊引导',
    category: '邻里互助',
    start: '2026-11-29 10:00',
    end: '2026-11-29 12:00',
    signUpDeadline: '2026-11-29 09:30',
    place: { name: '锦绣花园广场' },
    capacity: 10
  }, 'demo-staff')
  const cards: string[] = []
  for (const who of ['demo-resident', 'demo-committee']) cards.push((await app.cloud.ok('activities', 'memberCode', {}, who)).memberCode as string)

  const staff = await app.newPage('demo-staff')
  await staff.setViewportSize({ width: 375, height: 812 })
  await setTime('2026-11-29T10:10:00', [staff])
  await staff.goto(`${app.baseUrl}/#/packages/volunteer/pages/scan/index?id=${activity._id}`)
  await staff.getByText('社区义诊引导').waitFor()
  await staff.context().setOffline(true)
  for (const card of cards) {
    await staff.getByRole('textbox', { name: '例如 SFQ000123.Ab3dEf7h' }).fill(card)
    await staff.getByText('签到', { exact: true }).last().click()
    await staff.getByText(`已记录，联网后上传：${card.split('.')[0]}`, { exact: false }).waitFor()
  }
  await staff.getByText('有2次无信号时的扫码等待上传', { exact: false }).waitFor()

  await setTime('2026-11-29T10:30:00', [staff])
  await staff.context().setOffline(false)
  await staff.getByText('还有1项待确认').waitFor({ timeout: 15_000 })
  await staff.getByText(`${cards[0].split('.')[0]}（10:10扫码）`, { exact: false }).waitFor()
  await shot(staff, 'offline-scans-8-two-asks')
  await staff.getByText('确认现场报名并签到').click()
  await staff.getByText(`${cards[1].split('.')[0]}（10:10扫码）`, { exact: false }).waitFor({ timeout: 15_000 })
  expect(await staff.getByText('还有1项待确认').count()).toBe(0)
  await staff.getByText('确认现场报名并签到').click()
  await staff.getByText('（现场报名）', { exact: false }).nth(1).waitFor({ timeout: 15_000 })
  expect(await staff.getByText('确认现场报名并签到').count()).toBe(0)
  await shot(staff, 'offline-scans-9-both-confirmed')
  for (const who of ['demo-resident', 'demo-committee']) {
    expect(app.cloud.store.get('serviceRecords', `${activity._id}:${who}`)).toMatchObject({ checkInMethod: 'staff', checkInAt: new Date('2026-11-29T10:10:00+08:00') })
  }
  await staff.close()
}, 180_000)
