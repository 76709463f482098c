import { forbidden } from '../core/errors'
import type { Caller } from '../core/identity'
import { getById } from '../core/records'
import { revealMobile } from '../core/reveal'
import { relationOf, type TicketRecord } from './model'

/**
 * The reporter's full number for the parties handling the ticket (property company, owners'
 * committee, residents' committee of its compound), to call back; every view is audited
 * (`tickets.viewMobile`). Everywhere else the number is masked, and only these parties see that.
 */
export async function revealReporterMobile(caller: Caller, ticketId: string): Promise<{ mobile: string }> {
  const t = await getById<TicketRecord>('tickets', ticketId, '问题反映')
  if (relationOf(caller, t).parties.length === 0) throw forbidden('仅承办该问题的单位可查看反映人的手机号')
  return revealMobile(caller, {
    action: 'tickets.viewMobile',
    target: { collection: 'tickets', id: t._id, label: t.reporterName },
    communityId: t.communityId,
    whose: t.reporterOpenid,
    reason: '承办方联系反映人',
    mobile: t.reporterMobile
  })
}
