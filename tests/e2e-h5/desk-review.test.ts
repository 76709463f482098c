/**
 * The PC back office's review work in batch (issue #19, docs/back-office.md §7 journey 2), at
 * 1280×800 on the emulator build: demo-staff (张敏, c1) signs in by scan, opens 报到审核 (待审核 by
 * default), selects three registrations — one of which the phone approved meanwhile — and clicks
 * 批量通过: two rows show 已通过, the third why not, and the batch is in the audit log. Then 党员名册
 * (a full number, audited) and 服务时长认定 (批量认定).
 */
import type { Page } from 'playwright-core'
import { startApp, type TestApp } from './support/app'
import { signInDesk } from './support/desk'

let app: TestApp

beforeAll(async () => {
  app = await startApp()
}, 120_000)

afterAll(async () => {
  await app?.close()
})

const shot = (page: Page, name: string) => app.screenshot(page, `desk-review-${name}`)

/** A row of a desk table, and the note line under it (DataTable's rowNote). */
const rowOf = (page: Page, table: string, id: string) => page.locator(`[data-testid="desk-table-${table}"] tr[data-row="${id}"]`)
const noteOf = (page: Page, table: string, id: string) => page.locator(`[data-testid="desk-table-${table}"] tr[data-row="${id}"] + tr.desk-table__note-row`)

test('报到审核: 待审核, select 3, 批量通过; the one approved meanwhile shows why; the batch is audited', async () => {
  const page = await signInDesk(app, 'demo-staff')
  await page.locator('[data-testid="desk-nav-registrations"]').click()
  await page.waitForURL(/packages\/desk\/pages\/registrations\/index/, { timeout: 15_000 })
  // The review queue, oldest first (members.list's order for 待审核).
  const pending = (app.cloud.store.find('registrations', { communityId: 'c1', status: 'pending' }) as { _id: string; submittedAt: Date }[]).sort(
    (x, y) => +new Date(x.submittedAt) - +new Date(y.submittedAt) || (x._id < y._id ? -1 : 1)
  )
  expect(pending.length).toBeGreaterThanOrEqual(3)
  const [a, b, c] = pending.map((r) => r._id)
  await rowOf(page, 'registrations', a).waitFor({ timeout: 20_000 })
  expect(await page.locator('[data-testid="desk-table-registrations"] select').first().inputValue()).toBe('pending')
  expect(await page.locator('[data-testid="desk-table-registrations"] tr[data-row]').count()).toBe(pending.length)
  await shot(page, '1-queue')

  // Meanwhile, on the phone, c is approved (the single review).
  await app.cloud.ok('members', 'review', { registrationId: c, decision: 'approve' }, 'demo-staff')

  for (const id of [a, b, c]) await rowOf(page, 'registrations', id).locator('input[type="checkbox"]').check()
  await page.locator('[data-testid="desk-batch"]').getByText('已选 3 条').waitFor()
  await shot(page, '2-selected')
  await page.locator('[data-testid="desk-batch"]').getByRole('button', { name: '批量通过' }).click()

  await page.locator('[data-testid="desk-batch-summary"]').getByText('共处理 3 条：成功 2 条，1 条未成功（原因见各行）').waitFor({ timeout: 20_000 })
  for (const id of [a, b]) await noteOf(page, 'registrations', id).getByText('已通过').waitFor()
  await noteOf(page, 'registrations', c).getByText('该报到已被处理，请刷新后查看').waitFor()
  // The list reloaded: the queue holds the rest; the rows decided stay in view with their outcome, not selectable.
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="desk-table-registrations"] tr[data-row]').length === n, pending.length, { timeout: 15_000 })
  expect(await rowOf(page, 'registrations', a).locator('input[type="checkbox"]').isDisabled()).toBe(true)
  expect(await page.locator('[data-testid="desk-table-registrations"] .desk-table__total').textContent()).toContain(`共 ${pending.length - 3} 条`)
  await shot(page, '3-done')

  for (const id of [a, b, c]) expect(app.cloud.store.get('registrations', id)).toMatchObject({ status: 'approved', reviewedBy: 'demo-staff' })
  const audit = app.cloud.store.findOne('auditLogs', { action: 'members.reviewMany' })
  expect(audit).toMatchObject({ actor: 'demo-staff', via: 'desk', communityId: 'c1', detail: { decision: 'approve', ids: [a, b], rows: 2 } })
  const logs = await app.cloud.ok('users', 'auditLogs', { auditAction: 'members.reviewMany' }, 'demo-staff')
  expect(logs.items[0]).toMatchObject({ actionLabel: '批量审核报到', via: 'desk', reason: '批量通过', note: '共2条' })

  // 批量驳回 with one reason for the next one.
  const d = pending[3]?._id
  if (d) {
    await rowOf(page, 'registrations', d).locator('input[type="checkbox"]').check()
    await page.locator('[data-testid="desk-batch"]').getByRole('button', { name: '批量驳回' }).click()
    await page.getByLabel('驳回原因').fill('住址不在本社区辖区，请到实际居住地社区报到')
    await page.getByRole('button', { name: '确认驳回' }).click()
    await noteOf(page, 'registrations', d).getByText('已驳回').waitFor({ timeout: 20_000 })
    expect(app.cloud.store.get('registrations', d)).toMatchObject({ status: 'rejected', rejectReason: '住址不在本社区辖区，请到实际居住地社区报到' })
  }
  await page.close()
}, 120_000)

test('党员名册: 查看手机号 is audited; 服务时长认定: 批量认定', async () => {
  const page = await signInDesk(app, 'demo-staff')
  await page.locator('[data-testid="desk-nav-members"]').click()
  await page.waitForURL(/packages\/desk\/pages\/members\/index/, { timeout: 15_000 })
  const table = page.locator('[data-testid="desk-table-members"]')
  const first = table.locator('tr[data-row]').first()
  await first.waitFor({ timeout: 20_000 })
  const id = (await first.getAttribute('data-row'))!
  const stored = app.cloud.store.get('registrations', id)!
  expect(stored.status).toBe('approved')
  await first.getByText(`${stored.mobile.slice(0, 3)}****${stored.mobile.slice(7)}`).waitFor()
  await first.getByRole('button', { name: '查看手机号' }).click()
  await page.getByRole('button', { name: '确认查看' }).click()
  await first.getByText(stored.mobile, { exact: true }).waitFor({ timeout: 15_000 })
  expect(app.cloud.store.findOne('auditLogs', { action: 'members.viewMobile', 'target.id': id })).toMatchObject({ actor: 'demo-staff', via: 'desk' })
  await shot(page, '4-members')

  await page.locator('[data-testid="desk-nav-records"]').click()
  await page.waitForURL(/packages\/desk\/pages\/records\/index/, { timeout: 15_000 })
  const records = page.locator('[data-testid="desk-table-records"]')
  await records.locator('tr[data-row]').first().waitFor({ timeout: 20_000 })
  const ids = await records.locator('tr[data-row]').evaluateAll((rows) => rows.slice(0, 2).map((r) => r.getAttribute('data-row')!))
  for (const rid of ids) await rowOf(page, 'records', rid).locator('input[type="checkbox"]').check()
  await page.locator('[data-testid="desk-batch"]').getByRole('button', { name: '批量认定' }).click()
  for (const rid of ids) await noteOf(page, 'records', rid).getByText('已认定').waitFor({ timeout: 20_000 })
  for (const rid of ids) expect(app.cloud.store.get('serviceRecords', rid)).toMatchObject({ status: 'approved', verifiedBy: 'demo-staff' })
  await shot(page, '5-records')
  await page.close()
}, 120_000)
