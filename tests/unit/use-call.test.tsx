/** @jest-environment jsdom */
import { act, renderHook, waitFor } from '@testing-library/react'
import type { Reply } from '@contracts/reply'
import { useCall } from '@/services/cloud/useCall'

describe('useCall', () => {
  it('starts loading, then exposes data', async () => {
    const run = jest.fn(async (): Promise<Reply<number>> => ({ ok: true, data: 42 }))
    const { result } = renderHook(() => useCall(run))
    expect(result.current.loading).toBe(true)
    await waitFor(() => expect(result.current.loading).toBe(false))
    expect(result.current.data).toBe(42)
    expect(result.current.error).toBeUndefined()
  })

  it('exposes the reply error and reloads on demand', async () => {
    const run = jest
      .fn<Promise<Reply<string>>, []>()
      .mockResolvedValueOnce({ ok: false, error: { code: 'FORBIDDEN', message: '无权操作' } })
      .mockResolvedValueOnce({ ok: true, data: 'ok' })
    const { result } = renderHook(() => useCall(run))
    await waitFor(() => expect(result.current.error?.message).toBe('无权操作'))
    await act(() => result.current.reload())
    expect(result.current.data).toBe('ok')
    expect(result.current.error).toBeUndefined()
  })

  it('ignores a stale reply when its inputs changed meanwhile', async () => {
    const resolvers: Record<string, (r: Reply<string>) => void> = {}
    const { result, rerender } = renderHook(({ id }) => useCall(() => new Promise<Reply<string>>((r) => (resolvers[id] = r)), [id]), {
      initialProps: { id: 'a' }
    })
    rerender({ id: 'b' })
    await act(async () => {
      resolvers.b({ ok: true, data: 'B' })
      resolvers.a({ ok: true, data: 'A' })
    })
    expect(result.current.data).toBe('B')
  })
})
