import { Text } from '@tarojs/components'
import { ACTIVITY_PHASE_LABELS, RECORD_STATUS_LABELS, SIGNUP_STATUS_LABELS, type ActivityPhase, type RecordStatus } from '@contracts/activityLabels'
import type { MySignUp } from '@contracts/activityList'
import './volunteer.scss'

export type TagTone = 'red' | 'green' | 'gold' | 'muted' | 'blue' | 'solid'

export function Tag({ children, tone = 'red' }: { children: string; tone?: TagTone }) {
  return <Text className={tone === 'red' ? 'vt-tag' : `vt-tag vt-tag--${tone}`}>{children}</Text>
}

const PHASE_TONES: Record<ActivityPhase, TagTone> = { open: 'green', closed: 'gold', ongoing: 'solid', ended: 'muted', cancelled: 'muted' }
export const PhaseTag = ({ phase }: { phase: ActivityPhase }) => <Tag tone={PHASE_TONES[phase]}>{ACTIVITY_PHASE_LABELS[phase]}</Tag>

export function SignUpTag({ signUp }: { signUp?: MySignUp }) {
  if (!signUp || signUp.status === 'withdrawn') return null
  if (signUp.status === 'waiting') return <Tag tone='gold'>{`候补第${signUp.position ?? '-'}位`}</Tag>
  if (signUp.status === 'confirmed' && signUp.checkedInAt) return <Tag tone='blue'>已签到</Tag>
  return <Tag tone={signUp.status === 'confirmed' ? 'blue' : 'muted'}>{SIGNUP_STATUS_LABELS[signUp.status]}</Tag>
}

const RECORD_TONES: Record<RecordStatus, TagTone> = { open: 'blue', pending: 'gold', approved: 'green', adjusted: 'green', declined: 'muted' }
export const RecordStatusTag = ({ status }: { status: RecordStatus }) => <Tag tone={RECORD_TONES[status]}>{RECORD_STATUS_LABELS[status]}</Tag>
