/**
 * 邻里中心 on H5: a resident finds her community's centre, books a room that needs approval,
 * staff approve it, the resident sees it confirmed and cancels another booking. Runs on the
 * built app (dist/h5) over a fresh emulator cloud; the browser's clock is pinned to the cloud's
 * (Friday 2026-11-27 09:00, Shanghai) so "today" agrees on both sides.
 */
import type { Page } from 'playwright-core'
import type { RoomView } from '../../contracts/centers'
import { startApp, type TestApp } from './support/app'

let app: TestApp
let room: RoomView

beforeAll(async () => {
  app = await startApp()
  room = await app.cloud.ok<RoomView>(
    'centers',
    'saveRoom',
    { centerId: 'ctr-c1g1', name: '居民议事厅', capacity: 30, needsApproval: true, facilities: ['圆桌', '投影仪'], weeklyQuota: 2, maxSlots: 2 },
    'demo-staff'
  )
  // A centre event: an activity of kind "event" at the centre (sign-up lives in `activities`).
  await app.cloud.ok(
    'activities',
    'create',
    { kind: 'event', centerId: 'ctr-c1g1', roomId: 'rm-c1g1-1', title: '《物业管理条例》宣讲会', category: '物业管理', start: '2026-12-02 19:00', end: '2026-12-02 20:30', place: { name: '锦绣花园党建+邻里中心' }, capacity: 40 },
    'demo-staff'
  )
})
afterAll(() => app?.close())

async function open(openid: string, hash: string): Promise<Page> {
  const page = await app.newPage(openid)
  await page.clock.setFixedTime(new Date(app.cloud.clock.now()))
  await page.goto(`${app.baseUrl}/#${hash}`)
  return page
}

test('a resident books a slot, staff approve it, the resident sees it confirmed and cancels another', async () => {
  // The resident finds her community's centre on the 邻里中心 tab.
  const resident = await open('demo-resident', '/pages/centers/index')
  const centre = resident.locator('.ct-center', { hasText: '锦绣花园党建+邻里中心' })
  await centre.getByText('本社区').waitFor()
  await app.screenshot(resident, 'centers-1-tab')
  await centre.click()

  // The centre page lists its rooms and its events; she opens the new 居民议事厅.
  await resident.getByText('居民议事厅').waitFor()
  await resident.getByText('《物业管理条例》宣讲会').waitFor()
  await app.screenshot(resident, 'centers-2-center')
  await resident.getByText('居民议事厅').click()

  // Monday 30 November, 10:00–12:00 (two slots), for a residents' meeting of 12.
  await resident.getByText('提交预约申请').waitFor()
  await resident.locator('.ct-day', { hasText: '11月30日' }).click()
  await resident.locator('[data-slot="10:00"]').click()
  await resident.locator('[data-slot="11:00"]').click()
  await resident.getByText('11月30日 周一 10:00-12:00（2小时）').waitFor()
  await resident.getByText('居民议事协商').click()
  for (let i = 0; i < 7; i++) await resident.getByLabel('增加').click()
  await resident.locator('.ct-stepper__value', { hasText: '12人' }).waitFor()
  await app.screenshot(resident, 'centers-3-room')
  await resident.getByText('提交预约申请').click()
  await resident.getByText('已提交，等待审核').waitFor()
  await app.screenshot(resident, 'centers-4-submitted')

  const booked = app.cloud.store.findOne('bookings', { roomId: room.id, openid: 'demo-resident' })!
  expect(booked).toMatchObject({ status: 'pending', slots: 2, attendees: 12, purpose: '居民议事协商' })
  expect(app.cloud.store.count('roomSlots', { bookingId: booked._id, state: 'pending' })).toBe(2)

  // Staff of 东风社区 approve it from the review queue.
  const staff = await open('demo-staff', '/packages/centers/pages/review/index')
  const card = staff.locator(`[data-booking="${booked._id}"]`)
  await card.waitFor()
  await card.getByText('王秀兰').waitFor()
  await app.screenshot(staff, 'centers-5-review')
  await card.getByText('通过', { exact: true }).click()
  await card.waitFor({ state: 'detached' })
  expect(app.cloud.store.get('bookings', booked._id)!.status).toBe('confirmed')
  expect(app.cloud.store.findOne('outbox', { touser: 'demo-resident', templateId: 'tpl-booking-reviewed' })!.data.phrase3.value).toBe('已通过')

  // The resident sees it confirmed, and cancels her other booking (the calligraphy room). (The
  // dev persona lives in the browser's localStorage, shared by tabs: reopen as the resident.)
  await staff.close()
  await resident.close()
  const again = await open('demo-resident', '/packages/centers/pages/bookings/index')
  const mine = again.locator(`[data-booking="${booked._id}"]`)
  await mine.getByText('已确认').waitFor()
  const other = app.cloud.store.findOne('bookings', { openid: 'demo-resident', roomName: '书画阅览室', status: 'confirmed' })!
  const otherCard = again.locator(`[data-booking="${other._id}"]`)
  await otherCard.getByText('老年书法兴趣小组练习', { exact: false }).waitFor()
  await app.screenshot(again, 'centers-6-mine')
  await otherCard.getByText('取消预约').click()
  await again.getByText('确定取消', { exact: true }).click()
  await otherCard.waitFor({ state: 'detached' })
  expect(app.cloud.store.get('bookings', other._id)!.status).toBe('cancelled')
  expect(app.cloud.store.get('bookings', booked._id)!.status).toBe('confirmed')
  await app.screenshot(again, 'centers-7-cancelled')
})

test('the room code opens the check-in page and checks the resident in', async () => {
  const b = await app.cloud.ok('centers', 'book', { roomId: room.id, start: '2026-12-01 15:00', slots: 1, purpose: '党小组学习', attendees: 6 }, 'demo-member')
  await app.cloud.ok('centers', 'review', { bookingId: b.id, decision: 'approve' }, 'demo-staff')
  app.cloud.clock.set('2026-12-01T14:50:00+08:00')
  const code = await app.cloud.ok('centers', 'roomCode', { roomId: room.id }, 'demo-staff')
  const page = await open('demo-member', `/packages/centers/pages/checkin/index?scene=${code.code}`)
  await page.getByText('签到成功').waitFor()
  await app.screenshot(page, 'centers-8-checkin')
  expect(app.cloud.store.get('bookings', b.id)!.status).toBe('checked_in')
})

test('staff edit their centre: address, opening hours and a photo that residents then see', async () => {
  const page = await open('demo-staff', '/packages/centers/pages/edit/index?id=ctr-c1g1')
  const address = page.locator('input[placeholder="街道门牌号"]')
  await address.waitFor()
  await address.fill('东风社区锦绣花园9号楼一层（物业服务用房）')
  // A real 1×1 PNG through the H5 picker's file input.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
  const chooser = page.waitForEvent('filechooser')
  await page.getByText('添加照片').first().click()
  await (await chooser).setFiles({ name: 'hall.png', mimeType: 'image/png', buffer: png })
  await page.locator('.ct-photos img, .ct-photo img, img[src*="/files/uploads/"]').first().waitFor()
  await app.screenshot(page, 'centers-9-edit')
  await page.getByText('保存', { exact: true }).click()
  await page.getByText('已保存').first().waitFor()

  const saved = app.cloud.store.get<{ address: string; photos: string[] }>('centers', 'ctr-c1g1')!
  expect(saved.address).toBe('东风社区锦绣花园9号楼一层（物业服务用房）')
  expect(saved.photos).toHaveLength(1)
  expect(saved.photos[0]).toMatch(/^local:\/\/uploads\/demo-staff\//)

  const resident = await open('demo-resident', '/packages/centers/pages/center/index?id=ctr-c1g1')
  await resident.getByText('东风社区锦绣花园9号楼一层（物业服务用房）').first().waitFor()
  await resident.locator('img[src*="/files/uploads/demo-staff/"]').first().waitFor()
  await app.screenshot(resident, 'centers-10-center-with-photo')
  await page.close()
  await resident.close()
})
