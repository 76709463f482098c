import { Text, View } from '@tarojs/components'
import { careMode, useCareMode } from '@/services/careMode'
import './overview.scss'

/** 关怀模式 as a switch row (我的 and 消息设置): larger text and buttons on every page. */
export function CareSwitch() {
  const care = useCareMode()
  // On by itself (the phone's text is large, the switch never touched): say why; a tap turns it off.
  const desc = care.on && care.choice === 'system' ? '跟随手机字体大小' : '字更大、按钮更大，看得清、点得准'
  return (
    <View className='ov-row' hoverClass='ov-row--pressed' data-testid='care-switch' aria-role='switch' aria-checked={care.on} onClick={() => careMode.setChosen(!care.on)}>
      <View className='ov-row__main'>
        <Text className='ov-row__title'>关怀模式</Text>
        <Text className='ov-row__desc'>{desc}</Text>
      </View>
      <View className={care.on ? 'ov-switch ov-switch--on' : 'ov-switch'}>
        <Text className='ov-switch__text'>{care.on ? '已开启' : '已关闭'}</Text>
      </View>
    </View>
  )
}
