/** @jest-environment jsdom */
import { BUILT } from '@/services/routes'
import '../support/taro-env'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
// Same module instance as '@tarojs/taro' (jest maps it there).
import * as stub from '../support/taro-stub'
import HomePage from '@/pages/home'
import { SECTION_TITLES, homeSections } from '@/pages/home/sections'
import { setTransport } from '@/services/cloud/call'
import { sessionStore } from '@/features/session'
import { ME_FIXTURES } from '../support/me-fixtures'

function signInAs(openid: string) {
  const transport = jest.fn(async (name: string, data: Record<string, unknown>) => {
    if (name === 'users' && data.action === 'me') return { ok: true, data: ME_FIXTURES[openid] }
    return { ok: false, error: { code: 'NOT_FOUND', message: '未找到' } }
  })
  setTransport(transport)
  return transport
}

async function renderHome(openid: string) {
  signInAs(openid)
  render(<HomePage />)
  await screen.findByText(SECTION_TITLES.resident)
}

const ALL = Object.values(SECTION_TITLES)
const expectSections = (present: string[]) => {
  for (const title of ALL) {
    if (present.includes(title)) expect(screen.getByText(title)).toBeTruthy()
    else expect(screen.queryByText(title)).toBeNull()
  }
}

beforeEach(() => {
  stub.resetTaroStub()
  act(() => sessionStore.reset())
})
afterEach(() => setTransport())

describe('home screen per role', () => {
  it('resident: big simple actions only, with the home address', async () => {
    await renderHome('demo-resident')
    expectSections(['便民服务'])
    for (const label of ['我要报事', '邻里中心预约', '通知公告', '志愿活动']) expect(screen.getByText(label)).toBeTruthy()
    expect(screen.getByText('王秀兰，您好')).toBeTruthy()
    expect(screen.getByText('东风社区 · 锦绣花园 · 1号楼')).toBeTruthy()
  })

  it('member: adds 我的报到 and 服务时长', async () => {
    await renderHome('demo-member')
    expectSections(['党员服务', '便民服务'])
    expect(screen.getByText('我的报到')).toBeTruthy()
    expect(screen.getByText('服务时长')).toBeTruthy()
  })

  it('staff: the 社区工作台 with their community name', async () => {
    await renderHome('demo-staff')
    expectSections(['社区工作台', '便民服务'])
    for (const label of ['报到审核', '发布通知', '活动管理', '三方联动工单', '预约审核']) expect(screen.getByText(label)).toBeTruthy()
    expect(screen.getAllByText('东风社区').length).toBeGreaterThan(0)
  })

  it('staff of the second community sees that community', async () => {
    await renderHome('demo-staff-2')
    expect(screen.getAllByText('红旗社区').length).toBeGreaterThan(0)
    expect(screen.queryByText('东风社区')).toBeNull()
  })

  it('district admin: 区级管理 with the 区级看板 entry', async () => {
    await renderHome('demo-admin')
    expectSections(['区级管理', '便民服务'])
    expect(screen.getByText('区级看板')).toBeTruthy()
  })

  it('property staff: 物业服务 with 物业工单', async () => {
    await renderHome('demo-property')
    expectSections(['物业服务', '便民服务'])
    expect(screen.getByText('物业工单')).toBeTruthy()
  })

  it('committee: 业委会 with 业委会工单', async () => {
    await renderHome('demo-committee')
    expectSections(['业委会', '便民服务'])
    expect(screen.getByText('业委会工单')).toBeTruthy()
  })

  it('orders work sections before personal ones', () => {
    const me = { ...ME_FIXTURES['demo-staff'], roles: ['resident', 'member', 'staff', 'district_admin'] as const }
    expect(homeSections({ ...me, roles: [...me.roles] }).map((s) => s.key)).toEqual(['district', 'staff', 'member', 'resident'])
  })
})

describe('home actions', () => {
  it('points every action of every role at a page that exists', () => {
    for (const me of Object.values(ME_FIXTURES)) {
      for (const section of homeSections({ ...me, roles: [...me.roles] })) {
        for (const a of section.actions) expect([a.label, BUILT[a.route]]).toEqual([a.label, true])
      }
    }
  })

  it('navigates to a subpackage page', async () => {
    await renderHome('demo-resident')
    fireEvent.click(screen.getByText('我要报事'))
    expect(stub.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/packages/tickets/pages/create/index' }))
    expect(stub.showToast).not.toHaveBeenCalled()
  })

  it('switches tab for a tab page', async () => {
    await renderHome('demo-resident')
    fireEvent.click(screen.getByText('志愿活动'))
    expect(stub.switchTab).toHaveBeenCalledWith({ url: '/pages/activities/index' })
  })
})

describe('home loading and errors', () => {
  it('shows the reply message and retries', async () => {
    let meCalls = 0
    setTransport(async (name, data) => {
      if (name !== 'users' || data.action !== 'me') return { ok: false, error: { code: 'NOT_FOUND', message: '未找到' } }
      meCalls++
      return meCalls === 1
        ? { ok: false, error: { code: 'INTERNAL', message: '服务繁忙，请稍后再试' } }
        : { ok: true, data: ME_FIXTURES['demo-resident'] }
    })
    render(<HomePage />)
    expect(await screen.findByText('服务繁忙，请稍后再试')).toBeTruthy()
    fireEvent.click(screen.getByText('重试'))
    await screen.findByText('便民服务')
    expect(meCalls).toBe(2)
  })

  it('reloads the user after a persona change', async () => {
    await renderHome('demo-resident')
    signInAs('demo-staff')
    act(() => sessionStore.reset())
    await waitFor(() => expect(screen.getByText('社区工作台')).toBeTruthy())
  })
})
