/** @jest-environment jsdom */
/**
 * 接受角色邀请 (packages/mine/pages/role-invite, docs/back-office.md §6): the phone page of the
 * district admin's invitation, in its states: what it offers and 接受 / 暂不, a refusal in plain
 * words, and the code typed by hand.
 */
import '../support/taro-env'
import { fireEvent, render, screen } from '@testing-library/react'
import * as stub from '../support/taro-stub'
import RoleInvitePage from '@/packages/mine/pages/role-invite'
import { setTransport } from '@/services/cloud/call'

const CODE = 'ABCD2345'
type Json = Record<string, unknown>

const openInvite = {
  code: CODE,
  role: 'staff',
  label: '社区工作者（东风社区）',
  places: [{ id: 'c1', name: '东风社区' }],
  status: 'open',
  expiresAt: '2026-11-30T01:00:00.000Z',
  createdAt: '2026-11-27T01:00:00.000Z',
  invitedByName: '陈主任',
  note: '新入职'
}

describe('the role invitation page', () => {
  let calls: Json[]
  let inviteReply: unknown
  let acceptReply: unknown
  beforeEach(() => {
    stub.resetTaroStub()
    calls = []
    inviteReply = { ok: true, data: openInvite }
    acceptReply = { ok: true, data: { role: 'staff', label: '社区工作者（东风社区）' } }
    setTransport(async (name, input) => {
      calls.push({ name, ...input })
      if (name === 'auth' && input.action === 'roleInvite') return inviteReply
      if (name === 'auth' && input.action === 'acceptRole') return acceptReply
      return new Promise<never>(() => {})
    })
  })
  afterEach(() => setTransport())

  it('asks 接受“社区工作者（东风社区）”身份？ and 接受 grants it', async () => {
    stub.setRouterParams({ scene: encodeURIComponent(CODE) }, '/packages/mine/pages/role-invite/index')
    render(<RoleInvitePage />)
    await screen.findByText('接受“社区工作者（东风社区）”身份？')
    screen.getByText('陈主任')
    screen.getByText('新入职')
    expect(calls).toEqual([{ name: 'auth', action: 'roleInvite', code: CODE }])
    fireEvent.click(screen.getByText('接受'))
    await screen.findByText('您已是社区工作者（东风社区）')
    expect(calls).toContainEqual({ name: 'auth', action: 'acceptRole', code: CODE })
  })

  it('暂不 accepts nothing', async () => {
    stub.setRouterParams({ scene: CODE }, '/packages/mine/pages/role-invite/index')
    render(<RoleInvitePage />)
    fireEvent.click(await screen.findByText('暂不'))
    await screen.findByText('暂不接受')
    expect(calls.some((c) => c.action === 'acceptRole')).toBe(false)
  })

  it('an expired or used invitation is refused in plain words, with no 接受', async () => {
    stub.setRouterParams({ scene: CODE }, '/packages/mine/pages/role-invite/index')
    inviteReply = { ok: true, data: { ...openInvite, status: 'expired' } }
    const page = render(<RoleInvitePage />)
    await screen.findByText('邀请已过期，请联系区级管理员重新邀请')
    expect(screen.queryByText('接受')).toBeNull()
    page.unmount()
    inviteReply = { ok: true, data: { ...openInvite, status: 'used' } }
    render(<RoleInvitePage />)
    await screen.findByText('邀请已被使用')
  })

  it('a refusal of 接受 is shown as the server says it', async () => {
    stub.setRouterParams({ scene: CODE }, '/packages/mine/pages/role-invite/index')
    acceptReply = { ok: false, error: { code: 'CONFLICT', message: '邀请已被使用' } }
    render(<RoleInvitePage />)
    fireEvent.click(await screen.findByText('接受'))
    await screen.findByText('邀请已被使用')
  })

  it('without a link, takes the code typed (in any case)', async () => {
    stub.setRouterParams({}, '/packages/mine/pages/role-invite/index')
    render(<RoleInvitePage />)
    await screen.findByText('输入角色邀请码')
    expect(calls).toEqual([])
    // Taro's Input answers onInput with `detail.value` (the event its H5 component dispatches).
    const field = screen.getAllByPlaceholderText('8位字母或数字')[0]
    fireEvent(field, new CustomEvent('input', { bubbles: true, detail: { value: 'abcd2345' } }))
    fireEvent.click(screen.getByText('查看邀请'))
    await screen.findByText('接受“社区工作者（东风社区）”身份？')
    expect(calls).toEqual([{ name: 'auth', action: 'roleInvite', code: CODE }])
  })
})
