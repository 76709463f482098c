/** @jest-environment jsdom */
import '../support/taro-env'
import { fireEvent, render, screen } from '@testing-library/react'
// Same module instance as '@tarojs/taro' (jest maps it there).
import * as stub from '../support/taro-stub'
import { EmptyState, ErrorState } from '@/components'
import { SuccessState } from '@/components/SuccessState'

const DETAIL = { route: 'packages/tickets/pages/detail/index' }
const WORK = { route: 'packages/tickets/pages/work/index' }
const HOME_TAB = { route: 'pages/home/index' }
const stack = (...pages: object[]) => stub.getCurrentPages.mockImplementation(() => pages as never)

beforeEach(() => stub.resetTaroStub())
afterEach(() => stub.getCurrentPages.mockImplementation(() => []))

describe('every error and empty state leads on', () => {
  it('a missing record opened by a link: why, no 重试, and 回首页 by switchTab', () => {
    stack(DETAIL)
    const retry = jest.fn()
    render(<ErrorState error={{ code: 'NOT_FOUND', message: '问题反映不存在' }} onRetry={retry} />)
    expect(screen.getByText('可能已被删除或您没有查看权限')).toBeTruthy()
    expect(screen.queryByText('重试')).toBeNull()
    expect(screen.queryByText('返回')).toBeNull()
    fireEvent.click(screen.getByText('回首页'))
    expect(stub.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' })
    expect(stub.navigateBack).not.toHaveBeenCalled()
  })

  it('a failed load reached from another page: 重试 and 返回 by navigateBack', () => {
    stack(WORK, DETAIL)
    const retry = jest.fn()
    render(<ErrorState error={{ code: 'INTERNAL', message: '网络不太好' }} onRetry={retry} />)
    fireEvent.click(screen.getByText('重试'))
    expect(retry).toHaveBeenCalledTimes(1)
    fireEvent.click(screen.getByText('返回'))
    expect(stub.navigateBack).toHaveBeenCalledTimes(1)
    expect(screen.queryByText('回首页')).toBeNull()
  })

  it('a forbidden record says so', () => {
    stack(WORK, DETAIL)
    render(<ErrorState error={{ code: 'FORBIDDEN', message: '无权查看' }} />)
    expect(screen.getByText('您没有查看权限，如有疑问请联系社区工作人员')).toBeTruthy()
    expect(screen.getByText('返回')).toBeTruthy()
  })

  it('on a tab page the tab bar is the way on: no 返回 or 回首页', () => {
    stack(HOME_TAB)
    render(<ErrorState error={{ code: 'INTERNAL', message: '网络不太好' }} onRetry={() => undefined} />)
    expect(screen.getByText('重试')).toBeTruthy()
    expect(screen.queryByText('返回')).toBeNull()
    expect(screen.queryByText('回首页')).toBeNull()
  })

  it('an empty state offers 返回 unless it has its own way on or the page around it leads on', () => {
    stack(WORK, DETAIL)
    const { rerender } = render(<EmptyState title='暂无报名' />)
    expect(screen.getByText('返回')).toBeTruthy()
    rerender(
      <EmptyState title='还没有反映过问题'>
        <span>我要报事</span>
      </EmptyState>
    )
    expect(screen.queryByText('返回')).toBeNull()
    rerender(<EmptyState title='暂无数据' wayOn={false} />)
    expect(screen.queryByText('返回')).toBeNull()
  })

  it('a success state ends with 返回 or 回首页 after its own buttons', () => {
    stack(DETAIL)
    render(
      <SuccessState title='已提交' description='社区会尽快处理'>
        <span>查看详情</span>
      </SuccessState>
    )
    expect(screen.getByText('社区会尽快处理')).toBeTruthy()
    fireEvent.click(screen.getByText('回首页'))
    expect(stub.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' })
  })
})
