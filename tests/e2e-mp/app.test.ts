/**
 * Smoke test of the mini-program in WeChat DevTools: the home tab renders and a cloud function
 * answers. Skipped with the reason printed unless WECHAT_DEVTOOLS_CLI exists and HONGLIN_APPID is
 * set (tests/e2e-mp/support.ts; README "Mini-program e2e").
 */
import { callFunction, describeWithDevTools, launch, open, pageText, type MiniProgram } from './support'

describeWithDevTools('app.test.ts')('mini-program in WeChat DevTools', () => {
  jest.setTimeout(120000)
  let miniProgram: MiniProgram
  let close: (() => Promise<void>) | undefined

  beforeAll(async () => {
    ;({ miniProgram, close } = await launch())
  })

  afterAll(async () => {
    await close?.()
  })

  it('opens the home tab', async () => {
    const page = await open(miniProgram, '/pages/home/index')
    expect(page.path).toBe('pages/home/index')
    expect(await pageText(page)).toContain('红邻')
  })

  it('calls users.me through wx.cloud.callFunction', async () => {
    const reply = await callFunction(miniProgram, 'users', 'me')
    expect(reply.ok).toBe(true)
    expect(reply.data).toBeTruthy()
  })
})
