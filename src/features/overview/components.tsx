import { Text, View } from '@tarojs/components'
import { go, goTab } from '@/services/navigate'
import type { Row, Target, WorkQueue } from './view'
import './overview.scss'

export function open(t: Target): void {
  if (t.tab) goTab(t.route, t.query ?? {})
  else go(t.route, t.query)
}

/** Wide rows (≥ 48 px): title, a line under it, a count or state on the right, an arrow. */
export function Rows({ rows }: { rows: Row[] }) {
  return (
    <View className='ov-rows'>
      {rows.map((r) => (
        <View key={r.key} className='ov-row' hoverClass='ov-row--pressed' data-testid={`row-${r.key}`} onClick={() => open(r.target)}>
          <View className='ov-row__main'>
            <Text className='ov-row__title'>{r.title}</Text>
            {r.desc ? <Text className='ov-row__desc'>{r.desc}</Text> : null}
          </View>
          {r.value ? <Text className={r.alert ? 'ov-row__value ov-row__value--alert' : 'ov-row__value'}>{r.value}</Text> : null}
          <Text className='ov-row__arrow'>›</Text>
        </View>
      ))}
    </View>
  )
}

/** The caller's work queues as tiles: the count large, the queue's name under it. */
export function WorkQueues({ queues }: { queues: WorkQueue[] }) {
  return (
    <View className='ov-work'>
      {queues.map((q) => (
        <View key={q.key} className='ov-work__item' hoverClass='ov-row--pressed' data-testid={`work-${q.key}`} onClick={() => open(q.target)}>
          <Text className={q.count ? 'ov-work__count ov-work__count--on' : 'ov-work__count'}>{q.count}</Text>
          <Text className='ov-work__label'>{q.label}</Text>
        </View>
      ))}
    </View>
  )
}
