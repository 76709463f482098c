import { Text, View } from '@tarojs/components'
import { CONSENT_PURPOSE_TEXT, type ConsentState } from '@contracts/privacy'
import { formatTime } from './sections'

/** One consent: what it covers, under which version of the rules, when; withdraw while in force. */
export function ConsentCard({ consent, busy, onWithdraw }: { consent: ConsentState; busy?: boolean; onWithdraw: () => void }) {
  const text = CONSENT_PURPOSE_TEXT[consent.purpose]
  return (
    <View className='pv-consent' data-testid={`consent-${consent.purpose}`}>
      <View className='pv-consent__head'>
        <Text className='pv-consent__label'>{text.label}</Text>
        <Text className={`pv-consent__state ${consent.active ? 'pv-consent__state--active' : ''}`}>{consent.active ? '已同意' : '已撤回'}</Text>
      </View>
      <Text className='pv-consent__covers'>{text.covers}</Text>
      <Text className='pv-consent__meta'>
        同意时间：{formatTime(consent.givenAt)}　规则版本：{consent.policyVersion}
      </Text>
      {consent.withdrawnAt ? <Text className='pv-consent__meta'>撤回时间：{formatTime(consent.withdrawnAt)}</Text> : null}
      {consent.active ? (
        <View className={`pv-consent__button ${busy ? 'pv-consent__button--busy' : ''}`} hoverClass='pv-consent__button--pressed' onClick={() => !busy && onWithdraw()}>
          <Text className='pv-consent__button-text'>{busy ? '请稍候…' : '撤回同意'}</Text>
        </View>
      ) : null}
    </View>
  )
}
