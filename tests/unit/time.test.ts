import { monthKey, parseLocal, shanghai } from '../../server/core/time'

describe('Asia/Shanghai time', () => {
  it('reads a wall-clock time as Shanghai time whatever the process zone', () => {
    expect(parseLocal('2026-11-27 09:30').toISOString()).toBe('2026-11-27T01:30:00.000Z')
    expect(parseLocal('2026-11-27T09:30').toISOString()).toBe('2026-11-27T01:30:00.000Z')
    expect(parseLocal('2026-11-27').toISOString()).toBe('2026-11-26T16:00:00.000Z')
  })
  it('keeps an explicit offset or epoch as that instant', () => {
    expect(parseLocal('2026-11-27T09:30:00Z').toISOString()).toBe('2026-11-27T09:30:00.000Z')
    expect(parseLocal(Date.UTC(2026, 10, 27, 1, 30)).format('HH:mm')).toBe('09:30')
  })
  it('puts an instant just after midnight Shanghai in the new month', () => {
    const at = Date.UTC(2026, 10, 30, 16, 30) // 2026-12-01 00:30 in Shanghai
    expect(monthKey(at)).toBe('2026-12')
    expect(shanghai(at).format('YYYY-MM-DD HH:mm')).toBe('2026-12-01 00:30')
  })
})
