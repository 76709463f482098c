import { shanghai } from '../core/time'
import { TEMPLATES, phrase, thing } from '../notify/templates'
import { platform } from '../platform'
import type { Registration } from '../../contracts/members'
import type { RegistrationRecord } from './model'

export const STATUS_PAGE = 'packages/register/pages/status/index'

/**
 * Tells the registrant the decision: a subscription message on WeChat (if they allowed one when
 * submitting), the `outbox` collection on the emulator. A message that cannot be delivered never
 * undoes the review.
 */
export async function notifyReviewed(r: RegistrationRecord, view: Registration): Promise<void> {
  try {
    const approved = r.status === 'approved'
    const where = approved && view.placement ? `${view.placement.branch.name}${view.placement.partyGroup.name.replace(view.gridName, '')}` : ''
    const note = approved ? `已编入${where || view.communityName}` : `原因：${r.rejectReason ?? ''}`
    await platform().messages.send({
      touser: r.openid,
      templateId: TEMPLATES.registrationReviewed.id,
      page: STATUS_PAGE,
      data: {
        thing1: thing(`${view.communityName}在职党员报到`),
        phrase2: phrase(approved ? '审核通过' : '未通过'),
        thing3: thing(note),
        time4: { value: shanghai(r.reviewedAt ?? new Date()).format('YYYY-MM-DD HH:mm') }
      },
      summary: approved ? `您在${view.communityName}的报到已通过审核，${note}` : `您在${view.communityName}的报到未通过审核，${note}`
    })
  } catch (error) {
    console.error('[members] review message not sent', error)
  }
}
