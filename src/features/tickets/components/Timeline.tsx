import { Text, View } from '@tarojs/components'
import { PARTY_LABELS, TICKET_EVENT_LABELS, type TicketEvent } from '@contracts/tickets'
import { formatTime } from '../format'
import { PhotoGrid } from './PhotoGrid'
import { RATING_WORDS } from './Stars'
import './tickets.scss'

function headline(e: TicketEvent): string {
  if (e.kind === 'handover' && e.party) return `转交${PARTY_LABELS[e.party]}`
  if (e.kind === 'confirmed' && e.rating) return `居民确认：${e.rating}星（${RATING_WORDS[e.rating]}）`
  if (e.kind === 'comment') return e.actor === 'reporter' ? '反映人补充' : '处理进展'
  return TICKET_EVENT_LABELS[e.kind]
}

/** The ticket's history, oldest first: what happened, who, when, the note and photos. */
export function Timeline({ events }: { events: TicketEvent[] }) {
  return (
    <View className='tk-timeline'>
      {events.map((e, i) => (
        <View key={e._id} className='tk-timeline__item' data-event={e.kind}>
          <View className={`tk-timeline__dot${e.kind === 'escalated' ? ' tk-timeline__dot--warn' : i === events.length - 1 ? ' tk-timeline__dot--on' : ''}`} />
          <Text className='tk-timeline__head'>
            {headline(e)}
            {e.internal ? <Text className='tk-timeline__internal'>（仅三方可见）</Text> : null}
          </Text>
          <Text className='tk-timeline__who'>
            {e.actorName} · {formatTime(e.at)}
          </Text>
          {e.note ? <Text className='tk-timeline__note'>{e.note}</Text> : null}
          {e.photos.length ? <PhotoGrid photos={e.photos} /> : null}
        </View>
      ))}
    </View>
  )
}
