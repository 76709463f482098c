import { ScrollView, Text, View } from '@tarojs/components'
import { SLOT_STATE_LABELS, type Availability, type SlotView } from '@contracts/centers'
import { relativeDay } from '../format'
import './centers.scss'
import './centers-pages.scss'

export interface SlotSelection {
  date: string
  /** Index of the first selected slot in the day. */
  first: number
  count: number
}

const WEEKDAY = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日']

/**
 * Picking a day, then one slot or up to `maxSlots` consecutive ones: tap a free slot to choose it,
 * tap the next one to lengthen, tap an end again to shorten.
 */
export function nextSelection(slots: SlotView[], current: SlotSelection | null, date: string, index: number, maxSlots: number): SlotSelection | null {
  const slot = slots[index]
  if (!current || current.date !== date) return slot.bookable ? { date, first: index, count: 1 } : current
  const last = current.first + current.count - 1
  if (index === current.first && current.count === 1) return null
  if (index === last) return { ...current, count: current.count - 1 }
  if (index === current.first) return { date, first: index + 1, count: current.count - 1 }
  if (!slot.bookable) return current
  if (index === last + 1 && current.count < maxSlots) return { ...current, count: current.count + 1 }
  if (index === current.first - 1 && current.count < maxSlots) return { date, first: index, count: current.count + 1 }
  return { date, first: index, count: 1 }
}

export function DayTabs({ days, value, onChange }: { days: Availability['days']; value: string; onChange: (date: string) => void }) {
  return (
    <ScrollView scrollX className='ct-days' scrollIntoView={`day-${value}`}>
      {days.map((d) => {
        const free = d.slots.filter((s) => s.bookable).length
        const cls = ['ct-day', d.date === value ? 'ct-day--on' : '', free === 0 ? 'ct-day--full' : ''].join(' ')
        return (
          <View key={d.date} id={`day-${d.date}`} className={cls} onClick={() => onChange(d.date)}>
            <Text className='ct-day__name'>{relativeDay(d.date)}</Text>
            <Text className='ct-day__week'>{WEEKDAY[d.weekday]}</Text>
            <Text className='ct-day__free'>{d.slots.length === 0 ? '闭馆' : free ? `${free}个空闲` : '已约满'}</Text>
          </View>
        )
      })}
    </ScrollView>
  )
}

export function SlotGrid({ slots, selection, onTap }: { slots: SlotView[]; selection: SlotSelection | null; onTap: (index: number) => void }) {
  if (!slots.length) return <Text className='ct-line ct-line--muted'>当天不开放</Text>
  return (
    <View className='ct-slots'>
      {slots.map((s, i) => {
        const selected = selection !== null && i >= selection.first && i < selection.first + selection.count
        const state = s.mine ? 'mine' : s.state === 'free' ? (s.bookable ? 'free' : 'closed') : s.state
        // A centre event holding the slot shows its title (tapping it tells the whole title).
        const caption = s.mine
          ? '我的预约'
          : s.state === 'free'
            ? s.bookable
              ? '可预约'
              : (s.note ?? '不可约')
            : s.state === 'event'
              ? `活动：${s.note ?? SLOT_STATE_LABELS.event}`
              : SLOT_STATE_LABELS[s.state]
        return (
          <View
            key={s.start}
            className={`ct-slot ct-slot--${state}${selected ? ' ct-slot--selected' : ''}`}
            onClick={() => onTap(i)}
            data-slot={s.label}
            aria-disabled={!s.bookable}
          >
            <Text className='ct-slot__time'>{s.label}</Text>
            <Text className='ct-slot__state'>{selected ? '已选择' : caption}</Text>
          </View>
        )
      })}
    </View>
  )
}
