/**
 * The main journeys in WeChat DevTools, as the DevTools user against the AppID's cloud environment:
 * 报到 (register as a party member), sign up for and check in to a volunteer activity, book a room,
 * report a problem. Each asserts what the cloud recorded (read back through wx.cloud.callFunction).
 *
 * Skipped with the reason printed unless WECHAT_DEVTOOLS_CLI exists and HONGLIN_APPID is set; a
 * journey whose fixture is not configured (HONGLIN_E2E_SCENE, HONGLIN_E2E_ACTIVITY_ID,
 * HONGLIN_E2E_ROOM_ID) is skipped with its reason too. README "Mini-program e2e" lists the set-up.
 */
import { byPlaceholder, callFunction, describeWithDevTools, devToolsUnavailable, launch, ok, open, pageText, runMark, tapText, until, waitForText, type MiniProgram } from './support'

const SCENE = process.env.HONGLIN_E2E_SCENE
const ACTIVITY_ID = process.env.HONGLIN_E2E_ACTIVITY_ID
const ROOM_ID = process.env.HONGLIN_E2E_ROOM_ID

/** `it`, or `it.skip` with the reason printed. */
function itWhen(condition: unknown, why: string): jest.It {
  if (!condition && !devToolsUnavailable()) process.stdout.write(`[e2e-mp] journey skipped: ${why}\n`)
  return condition ? it : it.skip
}

describeWithDevTools('journeys.test.ts')('main journeys in WeChat DevTools', () => {
  jest.setTimeout(180000)
  let miniProgram: MiniProgram
  let close: (() => Promise<void>) | undefined

  beforeAll(async () => {
    ;({ miniProgram, close } = await launch())
  })

  afterAll(async () => {
    await close?.()
  })

  itWhen(SCENE, 'HONGLIN_E2E_SCENE (a community 报到码 scene) is not set')('报到: the form from a community code registers the member, pending review', async () => {
    const scene = SCENE!
    const community = await ok(miniProgram, 'members', 'scene', { scene })
    const page = await open(miniProgram, `/packages/register/pages/form/index?scene=${encodeURIComponent(scene)}`)
    await waitForText(page, community.communityName)

    // A room number no earlier run used: the registration read back must be this run's.
    const room = `E${Date.now().toString().slice(-6)}`
    await (await byPlaceholder(page, '请输入真实姓名')).input('测试党员')
    await (await byPlaceholder(page, '11位手机号')).input('13700000000')
    await (await byPlaceholder(page, '如：区教育体育局')).input('自动化测试单位')
    await (await byPlaceholder(page, '如：区教体局机关第一党支部')).input('自动化测试党支部')
    const grid = community.grids.find((g: { buildings: unknown[] }) => g.buildings.length)
    expect(grid).toBeTruthy()
    await tapText(page, '.rg-chip', grid.name)
    await tapText(page, '.rg-chip', grid.buildings[0].name)
    await (await byPlaceholder(page, '如：502')).input(room)
    if (!(await page.$('.rg-consent__box--on'))) await (await page.$('.rg-consent'))!.tap()
    // 提交报到 for a first registration; 保存修改 when an earlier run's is still pending here.
    await tapText(page, '.hl-button', ['提交报到', '保存修改'])

    const me = await until('the registration', async () => {
      const current = await ok(miniProgram, 'members', 'me')
      return current.pending?.room === room ? current : null
    })
    expect(me.pending).toMatchObject({ communityId: community.communityId, gridId: grid.id, buildingId: grid.buildings[0].id, room, status: 'pending' })
    // The member is shown the review state (报到审核中, or 转入申请审核中 for a transfer).
    await until('the review state on screen', async () => {
      const current = await miniProgram.currentPage()
      return current ? (await pageText(current)).includes('审核中') : false
    })
  })

  itWhen(ACTIVITY_ID, 'HONGLIN_E2E_ACTIVITY_ID (an open volunteer activity in its check-in window) is not set')('志愿服务: sign up on the detail page, then check in by scanning the code at the place', async () => {
    const activityId = ACTIVITY_ID!
    const activity = await ok(miniProgram, 'activities', 'get', { activityId })
    // Start from a clean state: a sign-up of an earlier run is withdrawn (if it can be).
    if (activity.mySignUp && ['confirmed', 'waiting'].includes(activity.mySignUp.status) && !activity.mySignUp.checkedInAt) {
      await ok(miniProgram, 'activities', 'withdraw', { activityId })
    }
    const page = await open(miniProgram, `/packages/volunteer/pages/detail/index?id=${activityId}`)
    await tapText(page, '.hl-button', '报名')
    const signedUp = await until('the sign-up', async () => {
      const current = await miniProgram.currentPage()
      if (current?.path.includes('volunteer/pages/join')) throw new Error('the DevTools user is not a registered volunteer yet (README: register once on 志愿者登记)')
      const fresh = await ok(miniProgram, 'activities', 'get', { activityId })
      return fresh.mySignUp && ['confirmed', 'waiting'].includes(fresh.mySignUp.status) ? fresh : null
    })
    expect(signedUp.mySignUp.status).toBe('confirmed')
    await waitForText(page, '您已报名')

    // The organiser's code (the DevTools user must be allowed to draw it) is what the scanner reads;
    // the location is the activity's own place, so the geofence passes.
    const code = await ok(miniProgram, 'activities', 'checkinCode', { activityId })
    await miniProgram.mockWxMethod('scanCode', { result: code.link, scanType: 'QR_CODE', charSet: 'utf-8', errMsg: 'scanCode:ok' })
    const at = activity.place.coordinates
    await miniProgram.mockWxMethod('getLocation', { latitude: at?.latitude ?? 0, longitude: at?.longitude ?? 0, accuracy: 10, speed: 0, altitude: 0, verticalAccuracy: 0, horizontalAccuracy: 10, errMsg: 'getLocation:ok' })
    try {
      const checkin = await open(miniProgram, `/packages/volunteer/pages/checkin/index?activityId=${activityId}`)
      await tapText(checkin, '.hl-button', '扫描签到码')
      const record = await until('the check-in record', async () => {
        const fresh = await ok(miniProgram, 'activities', 'get', { activityId })
        return fresh.myRecord?.checkInAt ? fresh.myRecord : null
      })
      expect(record.status).toBe('open')
      expect(await pageText(checkin)).toContain('签到')
    } finally {
      await miniProgram.restoreWxMethod('scanCode')
      await miniProgram.restoreWxMethod('getLocation')
    }
  })

  itWhen(ROOM_ID, 'HONGLIN_E2E_ROOM_ID (a bookable room) is not set')('邻里中心: book the first free slot of a room', async () => {
    const roomId = ROOM_ID!
    const purpose = `自动化测试${runMark()}`
    const page = await open(miniProgram, `/packages/centers/pages/room/index?id=${roomId}`)
    const free = await until('a free slot', async () => page.$('.ct-slot--free'))
    await free.tap()
    await (await byPlaceholder(page, '例如：1号楼居民议事会', 'textarea')).input(purpose)
    await tapText(page, '.hl-button', '预约')
    await until('the result', async () => {
      const text = await pageText(page)
      return text.includes('预约成功') || text.includes('已提交，等待审核')
    })
    const mine = await ok(miniProgram, 'centers', 'myBookings', { scope: 'upcoming' })
    const booking = mine.items.find((b: { roomId: string; purpose?: string }) => b.roomId === roomId && b.purpose === purpose)
    expect(booking).toBeTruthy()
    expect(['confirmed', 'pending']).toContain(booking.status)
    // Leave the slot free for the next run.
    const cancelled = await callFunction(miniProgram, 'centers', 'cancel', { bookingId: booking.id })
    expect(cancelled.ok).toBe(true)
  })

  it('报事: report a problem from 我要报事; it is recorded for the compound and its detail opens', async () => {
    const description = `自动化测试${runMark()}：2号楼楼道灯不亮，晚上看不清台阶`
    const page = await open(miniProgram, '/packages/tickets/pages/create/index')
    if ((await pageText(page)).includes('反映问题需要知道您住在哪个小区')) {
      throw new Error('the DevTools user has no 住址 yet (README: set it on 我的 → 住址 once)')
    }
    await tapText(page, '.tk-cat', '设施维修')
    await (await byPlaceholder(page, '请说明问题在哪里、什么情况，例如：3号楼东侧下水道堵塞，污水漫到路上', 'textarea')).input(description)
    await tapText(page, '.hl-button', '提交反映')
    const detail = await until('the ticket detail page', async () => {
      const current = await miniProgram.currentPage()
      return current?.path === 'packages/tickets/pages/detail/index' ? current : null
    })
    await waitForText(detail, '办理经过')
    const mine = await ok(miniProgram, 'tickets', 'list', { scope: 'mine' })
    const ticket = mine.items.find((t: { description: string }) => t.description === description)
    expect(ticket).toBeTruthy()
    expect(ticket).toMatchObject({ category: 'repair', status: 'submitted' })
    expect(detail.query.id).toBe(ticket._id)
  })
})
