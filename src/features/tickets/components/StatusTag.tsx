import { Text } from '@tarojs/components'
import { CLOSE_REASON_LABELS, TICKET_STATUS_LABELS, type TicketSummary } from '@contracts/tickets'
import './tickets.scss'

const CLASS: Record<TicketSummary['status'], string> = {
  submitted: 'tk-tag tk-tag--orange',
  accepted: 'tk-tag tk-tag--blue',
  resolved: 'tk-tag tk-tag--green',
  closed: 'tk-tag tk-tag--grey'
}

/** Status (and overdue) tags of a ticket. */
export function StatusTags({ ticket }: { ticket: Pick<TicketSummary, 'status' | 'closeReason' | 'overdue' | 'escalated'> }) {
  const closedAs = ticket.status === 'closed' && ticket.closeReason && ticket.closeReason !== 'confirmed' ? CLOSE_REASON_LABELS[ticket.closeReason].replace(/，.*$/, '') : null
  return (
    <>
      <Text className={CLASS[ticket.status]}>{closedAs && ticket.closeReason !== 'auto' ? closedAs : TICKET_STATUS_LABELS[ticket.status]}</Text>
      {ticket.overdue ? <Text className='tk-tag tk-tag--red'>{ticket.overdue === 'accept' ? '超时未受理' : '超时未办结'}</Text> : null}
      {ticket.escalated && !ticket.overdue && ticket.status !== 'closed' ? <Text className='tk-tag tk-tag--orange'>已督办</Text> : null}
    </>
  )
}
