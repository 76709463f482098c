import { View } from '@tarojs/components'
import type { Registration } from '@contracts/members'
import { formatTime, residenceLine, servicesText } from '../format'
import { KeyValue } from './KeyValue'

export interface RegistrationInfoProps {
  registration: Registration
  /** Shown instead of the masked number (the registrant's own, or revealed by staff). */
  mobile?: string
  onRevealMobile?: () => void
}

/** What the member submitted, as label/value rows. */
export function RegistrationInfo({ registration: r, mobile, onRevealMobile }: RegistrationInfoProps) {
  return (
    <View>
      <KeyValue k='姓名'>{r.name}</KeyValue>
      <KeyValue k='手机号' action={!mobile && onRevealMobile ? '查看完整号码' : undefined} onAction={onRevealMobile}>
        {mobile ?? r.mobileMasked}
      </KeyValue>
      <KeyValue k='工作单位'>{r.workUnit}</KeyValue>
      <KeyValue k='所在党组织'>{r.partyOrg}</KeyValue>
      <KeyValue k='报到社区'>{r.communityName}</KeyValue>
      <KeyValue k='居住地址'>{residenceLine(r)}</KeyValue>
      {r.skills.length ? <KeyValue k='技能特长'>{r.skills.join('、')}</KeyValue> : null}
      {r.services.length ? <KeyValue k='服务意愿'>{servicesText(r.services)}</KeyValue> : null}
      {r.transferFrom ? <KeyValue k='转出社区'>{r.transferFrom.communityName}</KeyValue> : null}
      <KeyValue k='提交时间'>{formatTime(r.submittedAt)}</KeyValue>
      {r.reviewedAt ? <KeyValue k='审核时间'>{formatTime(r.reviewedAt)}</KeyValue> : null}
    </View>
  )
}
