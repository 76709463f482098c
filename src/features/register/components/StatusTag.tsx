import { Text } from '@tarojs/components'
import type { RegistrationStatus } from '@contracts/members'
import { statusLabel } from '../format'

export function StatusTag({ status, transfer }: { status: RegistrationStatus; transfer?: boolean }) {
  return (
    <Text>
      <Text className={`rg-tag rg-tag--${status}`}>{statusLabel(status)}</Text>
      {transfer && status === 'pending' ? <Text className='rg-tag rg-tag--transfer'>转入</Text> : null}
    </Text>
  )
}
