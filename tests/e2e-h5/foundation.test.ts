import { startApp, type TestApp } from './support/app'

let app: TestApp
beforeAll(async () => {
  app = await startApp()
})
afterAll(() => app?.close())

const HOME_SECTIONS: Record<string, { shows: string[]; hides: string[] }> = {
  'demo-resident': { shows: ['便民服务'], hides: ['社区工作台', '区级管理', '党员服务'] },
  'demo-member': { shows: ['党员服务', '便民服务'], hides: ['社区工作台', '区级管理'] },
  'demo-staff': { shows: ['社区工作台', '东风社区'], hides: ['区级管理', '物业服务'] },
  'demo-staff-2': { shows: ['社区工作台', '红旗社区'], hides: ['区级管理'] },
  'demo-admin': { shows: ['区级管理'], hides: ['社区工作台', '物业服务'] },
  'demo-property': { shows: ['物业服务'], hides: ['社区工作台', '区级管理'] },
  'demo-committee': { shows: ['业委会'], hides: ['社区工作台', '区级管理'] }
}

describe('H5 on the emulator: dev sign-in and the home screen of each persona', () => {
  it('sends a visitor without a persona to the sign-in page, and a tap signs in', async () => {
    const page = await app.newPage()
    await page.goto(`${app.baseUrl}/`)
    await page.getByText('选择演示身份').waitFor()
    await app.screenshot(page, 'foundation-dev-login')
    await page.getByText('社区工作者 · 第一社区').click()
    await page.getByText('社区工作台').first().waitFor()
    await page.getByText('东风社区').first().waitFor()
    expect(await page.evaluate(() => window.localStorage.getItem('honglin.openid'))).toBe('demo-staff')
    await page.close()
  })

  for (const [openid, { shows, hides }] of Object.entries(HOME_SECTIONS)) {
    it(`shows ${openid} the right home screen`, async () => {
      const page = await app.newPage(openid)
      await page.goto(`${app.baseUrl}/#/pages/home/index`)
      for (const text of shows) await page.getByText(text, { exact: false }).first().waitFor()
      for (const text of hides) expect(await page.getByText(text, { exact: true }).count()).toBe(0)
      await app.screenshot(page, `foundation-home-${openid}`)
      await page.close()
    })
  }
})
