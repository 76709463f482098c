import type { FigureKey } from '@contracts/reportLabels'
import { comparisonOption, trendOption } from '@/features/district/charts'
import { categoryAt, drawChart, niceTicks, type Ctx } from '@/features/district/drawChart'

/** A 2d context that records what is drawn (text measured at 7 px a character). */
function recorder() {
  const texts: string[] = []
  const bars: { x: number; y: number }[] = []
  let last = { x: 0, y: 0 }
  const ctx = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    font: '',
    textAlign: '',
    textBaseline: '',
    beginPath() {},
    moveTo(x: number, y: number) {
      last = { x, y }
    },
    lineTo() {},
    arc() {},
    arcTo() {},
    closePath() {},
    fill() {
      bars.push(last)
    },
    stroke() {},
    fillRect() {},
    clearRect() {},
    fillText(t: string) {
      texts.push(t)
    },
    measureText: (t: string) => ({ width: t.length * 7 }),
    save() {},
    restore() {}
  }
  return { ctx: ctx as unknown as Ctx, texts, bars }
}

const trend = (key: FigureKey, label: string, values: number[]) => ({
  key,
  label,
  unit: key === 'volunteerHours' ? '小时' : '场',
  points: values.map((value, i) => ({ month: `2026-${String(i + 1).padStart(2, '0')}`, value }))
})

describe('district charts (drawn without ECharts)', () => {
  it('value axis: round steps from 0 past the largest value, whole steps for counts', () => {
    expect(niceTicks(87, true)).toEqual([0, 20, 40, 60, 80, 100])
    expect(niceTicks(0, true)).toEqual([0, 1])
    expect(niceTicks(3, true)).toEqual([0, 1, 2, 3])
    expect(niceTicks(0.9, false)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
  })

  it('a trend chart: month labels, a legend line per series, one bar per month for the bar series', () => {
    const spec = trendOption([trend('volunteerHours', '志愿服务时长', [3, 0, 12]), trend('volunteerActivities', '志愿服务活动', [1, 2, 3])], { bars: true })
    expect(spec.series.map((s) => s.type)).toEqual(['bar', 'line'])
    const { ctx, texts, bars } = recorder()
    drawChart(ctx, spec, 340, 260)
    expect(texts).toEqual(expect.arrayContaining(['志愿服务时长（小时）', '志愿服务活动（场）', '26年1月', '2月', '3月']))
    // three bars plus three line markers
    expect(bars.length).toBe(6)
  })

  it('the comparison chart: communities down the left in the district order, each value at its bar', () => {
    const spec = comparisonOption({
      key: 'volunteerHours',
      label: '志愿服务时长',
      unit: '小时',
      rows: [
        { communityId: 'c1', communityName: '东社区', value: 1234.5 },
        { communityId: 'c2', communityName: '西社区', value: 7 }
      ]
    })
    const { ctx, texts } = recorder()
    drawChart(ctx, spec, 340, 200)
    expect(texts).toEqual(expect.arrayContaining(['东社区', '西社区', '1,234.5', '7']))
    // A tap on the upper half of the plot is the first community; its values show in a box.
    const first = categoryAt(ctx, spec, 340, 200, 200, 40)
    expect(first).toBe(0)
    const tapped = recorder()
    drawChart(tapped.ctx, spec, 340, 200, first)
    expect(tapped.texts).toEqual(expect.arrayContaining(['志愿服务时长（小时）  1,234.5']))
    expect(categoryAt(ctx, spec, 340, 200, 2, 2)).toBeUndefined()
  })
})
