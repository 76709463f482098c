/**
 * 角色管理 (issue #19, docs/back-office.md §6) at 1280×800 on the emulator build: the district admin
 * signs in by scan, invites a new 社区工作者 of 东风社区 (the page shows the QR code and the
 * 8-character code), the invited person accepts on the phone (through the API), the admin finds
 * them among the holders and revokes the role with a reason. Screenshots:
 * test-results/screenshots/desk-roles-*.png.
 */
import type { Page } from 'playwright-core'
import { ROLE_INVITE_CODE } from '../../contracts/auth'
import { startApp, type TestApp } from './support/app'
import { signInDesk } from './support/desk'

let app: TestApp
let page: Page

beforeAll(async () => {
  app = await startApp()
  page = await signInDesk(app, 'demo-admin')
}, 120_000)

afterAll(async () => {
  await app?.close()
})

const PERSON = 'e2e-invited-staff'
const holderRows = () => page.locator('[data-testid="desk-table-role-holders"] tbody tr.desk-table__row')

test('invite → accept on the phone → listed → revoke', async () => {
  await page.locator('[data-testid="desk-nav-roles"]').click()
  await page.waitForURL(/packages\/desk\/pages\/roles\/index/)
  await holderRows().first().waitFor({ timeout: 20_000 })
  // The seeded staff are listed with their places.
  await page.getByText('张敏').first().waitFor()

  const invite = page.locator('[data-testid="desk-roles-invite"]')
  await invite.getByRole('button', { name: '邀请' }).click()
  await invite.getByLabel('角色').selectOption('staff')
  await invite.getByLabel('范围').selectOption('c1')
  await invite.getByLabel('被邀请人姓名').fill('刘新')
  await invite.getByRole('button', { name: '生成邀请' }).click()
  const code = (await page.locator('[data-testid="desk-roles-code"]').innerText({ timeout: 15_000 })).trim()
  expect(code).toMatch(ROLE_INVITE_CODE)
  await expect(page.locator('[data-testid="desk-roles-made"] img').getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/)
  await page.getByText('社区工作者（东风社区）').first().waitFor()
  // The open invitation is listed with 撤回.
  await page.locator('[data-testid="desk-table-role-invites"]').getByText(code).waitFor({ timeout: 10_000 })
  await app.screenshot(page, 'desk-roles-invite')

  // The invited person, on the phone.
  await app.cloud.ok('auth', 'acceptRole', { code }, PERSON)

  await page.getByLabel('姓名', { exact: true }).fill('刘新')
  await page.getByRole('button', { name: '搜索' }).click()
  await page.locator('[data-testid="desk-table-role-holders"]').getByText(PERSON).waitFor({ timeout: 10_000 })
  // The accepted invitation has left the open ones (the list is gone with its last row).
  await page.locator('[data-testid="desk-table-role-invites"]').waitFor({ state: 'detached', timeout: 10_000 })
  expect(await holderRows().count()).toBe(1)
  await expect(holderRows().first().innerText()).resolves.toContain('东风社区')
  await app.screenshot(page, 'desk-roles-holder')

  await page.getByRole('button', { name: '撤销刘新的社区工作者（东风社区）' }).click()
  const dialog = page.locator('[data-testid="desk-roles-revoke"]')
  await dialog.getByLabel('撤销原因').fill('调离岗位')
  await dialog.getByRole('button', { name: '确认撤销' }).click()
  await page.locator('[data-testid="desk-roles-outcome"]').getByText('已撤销刘新的社区工作者（东风社区）').waitFor({ timeout: 10_000 })
  await page.getByText('没有符合条件的人员').waitFor({ timeout: 10_000 })
  expect(app.cloud.store.findOne('users', { _id: PERSON })).toMatchObject({ roles: [], scopes: { communityIds: [] } })
  expect(app.cloud.store.findOne('auditLogs', { action: 'auth.revokeRole', 'target.id': PERSON })).toMatchObject({ actor: 'demo-admin', via: 'desk' })
  await app.screenshot(page, 'desk-roles-revoked')
}, 120_000)
