import { Image, Text, View } from '@tarojs/components'
import { TICKET_CATEGORY_LABELS, type TicketSummary } from '@contracts/tickets'
import { formatTime, untilText } from '../format'
import { Stars } from './Stars'
import { StatusTags } from './StatusTag'
import './tickets.scss'

/** One report in a list: category and status, the problem, where, who leads, when. */
export function TicketCard({ ticket, onClick }: { ticket: TicketSummary; onClick: () => void }) {
  const open = ticket.status === 'submitted' || ticket.status === 'accepted'
  return (
    <View className='tk-card' hoverClass='tk-card--pressed' onClick={onClick} data-ticket-id={ticket._id}>
      <View className='tk-card__main'>
        <View>
          <Text className='tk-tag'>{TICKET_CATEGORY_LABELS[ticket.category]}</Text>
          <StatusTags ticket={ticket} />
        </View>
        <Text className='tk-card__title'>{ticket.description}</Text>
        <Text className='tk-card__meta'>
          {ticket.gridName}
          {ticket.buildingName ? ` ${ticket.buildingName}` : ''} · {ticket.partyName}牵头
        </Text>
        <Text className='tk-card__meta'>
          {ticket.reporterName} · {formatTime(ticket.createdAt)}
          {open ? ` · 办结时限${untilText(ticket.resolveBy)}` : ''}
        </Text>
        {ticket.rating ? <Stars value={ticket.rating} small /> : null}
      </View>
      {ticket.cover ? <Image className='tk-card__thumb' src={ticket.cover.url} mode='aspectFill' /> : null}
    </View>
  )
}
