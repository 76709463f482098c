import { Text, View } from '@tarojs/components'
import { careMode, useCareMode } from '@/services/careMode'
import './overview.scss'

/** 关怀模式 as a switch row (我的 and 消息设置): larger text and buttons on every page. */
export function CareSwitch() {
  const care = useCareMode()
  const desc = care.fromSystem && !care.chosen ? '手机设置了大字体，已自动开启' : '字更大、按钮更大，看得清、点得准'
  return (
    <View className='ov-row' hoverClass='ov-row--pressed' data-testid='care-switch' aria-role='switch' aria-checked={care.on} onClick={() => careMode.setChosen(!care.chosen)}>
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
