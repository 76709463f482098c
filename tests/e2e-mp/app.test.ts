/**
 * miniprogram-automator drives WeChat DevTools, which exists only for macOS and Windows. These specs
 * run where WECHAT_DEVTOOLS_CLI points at the DevTools CLI (with "服务端口" enabled in its
 * security settings) after `npm run build:weapp`; everywhere else they are skipped with the reason
 * printed.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

const cliPath = process.env.WECHAT_DEVTOOLS_CLI
const available = Boolean(cliPath && existsSync(cliPath))
if (!available) {
  console.log(`[e2e-mp] skipped: WECHAT_DEVTOOLS_CLI ${cliPath ? `(${cliPath}) does not exist` : 'is not set'}; WeChat DevTools runs only on macOS and Windows.`)
}
const describeWithDevTools = available ? describe : describe.skip

describeWithDevTools('mini-program in WeChat DevTools', () => {
  jest.setTimeout(120000)
  let miniProgram: any

  beforeAll(async () => {
    const automator = require('miniprogram-automator')
    miniProgram = await automator.launch({ cliPath, projectPath: resolve(__dirname, '../..') })
  })

  afterAll(async () => {
    await miniProgram?.close()
  })

  it('opens the home tab with the tab bar', async () => {
    const page = await miniProgram.reLaunch('/pages/home/index')
    await page.waitFor(1000)
    expect(page.path).toBe('pages/home/index')
    const text = await (await page.$('page'))?.text()
    expect(text).toContain('红邻')
  })

  it('calls users.me through wx.cloud.callFunction', async () => {
    const result = await miniProgram.callWxMethod('cloud.callFunction', { name: 'users', data: { action: 'me' } })
    expect(result.result.ok).toBe(true)
  })
})
