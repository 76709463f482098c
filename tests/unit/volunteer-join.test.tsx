/** @jest-environment jsdom */
/**
 * 志愿者实名登记 → back to the sign-up it interrupted: automatically after a moment, or at once
 * with 返回报名 — either way exactly once, and never after the page has gone.
 */
import '../support/taro-env'
import { act, fireEvent, render, screen } from '@testing-library/react'
import * as stub from '../support/taro-stub'
import VolunteerJoinPage from '@/packages/volunteer/pages/join'
import { setTransport } from '@/services/cloud/call'
import { sessionStore } from '@/features/session'
import { ME_FIXTURES } from '../support/me-fixtures'

const NEXT = '/packages/volunteer/pages/detail/index?id=a1'
const wait = (ms: number) => act(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

beforeEach(() => {
  stub.resetTaroStub()
  act(() => sessionStore.reset())
  stub.setRouterParams({ next: encodeURIComponent(NEXT) }, '/packages/volunteer/pages/join/index')
  setTransport(async (name, input) => {
    if (name === 'users' && input.action === 'me') return { ok: true, data: ME_FIXTURES['demo-resident'] }
    if (name === 'activities' && input.action === 'joinVolunteers') return { ok: true, data: { volunteerNo: 'V0001', already: false } }
    return { ok: false, error: { code: 'NOT_FOUND', message: '未找到' } }
  })
})
afterEach(() => setTransport())

async function join() {
  const page = render(<VolunteerJoinPage />)
  fireEvent.click(await screen.findByTestId('join-consent'))
  fireEvent.click(screen.getByText('登记并返回报名'))
  await screen.findByText('志愿者登记成功')
  return page
}

describe('志愿者实名登记: back to the sign-up', () => {
  it('goes back by itself after a moment, once', async () => {
    await join()
    expect(stub.redirectTo).not.toHaveBeenCalled()
    await wait(1100)
    expect(stub.redirectTo).toHaveBeenCalledTimes(1)
    expect(stub.redirectTo).toHaveBeenCalledWith({ url: NEXT })
  })

  it('返回报名 within the moment goes back once, not twice', async () => {
    await join()
    fireEvent.click(screen.getByText('返回报名'))
    fireEvent.click(screen.getByText('返回报名'))
    await wait(1100)
    expect(stub.redirectTo).toHaveBeenCalledTimes(1)
  })

  it('does not go anywhere once the page has gone', async () => {
    const page = await join()
    page.unmount()
    await wait(1100)
    expect(stub.redirectTo).not.toHaveBeenCalled()
  })
})
