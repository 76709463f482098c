import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { BigButton, PageContainer, Section } from '@/components'
import { centersApi } from '@/features/centers'
import { useMe } from '@/features/session'
import { useCall } from '@/services/cloud'
import { go } from '@/services/navigate'
import '@/features/overview/overview.scss'
import '../mine.scss'

const FAQ: { q: string; a: string }[] = [
  { q: '小区里有问题，怎么反映？', a: '首页点“我要报事”，选问题类别，写清楚在哪里、什么问题，可以拍照。物业、业委会、社区会按时限处理，处理好后请您确认并评价。进度在“我的 → 我的报事”里看。' },
  { q: '怎么预约邻里中心的活动室？', a: '点下方“邻里中心”，选中心和活动室，挑空闲的时间提交。有的活动室要社区审核，通过后会提醒您。到场后扫活动室的码签到。预约在“我的 → 我的预约”里看，也可以取消。' },
  { q: '怎么报名活动、到场签到？', a: '点下方“活动”，选感兴趣的活动点“报名”，满员时可以候补。活动当天到场后，扫工作人员出示的签到码；没有信号时也可以扫，联网后会自动上传。' },
  { q: '关怀模式是什么？', a: '开启后，所有页面的字更大、按钮更大，看得清、点得准。在“我的”里点“关怀模式”开关即可；手机设置了大字体时会自动开启，不需要时也可以关掉。' },
  { q: '我的信息安全吗？', a: '手机号只给处理您事情的工作人员看，每次查看都有记录。在“我的 → 个人信息与隐私”里可以查看、下载自己的数据，也可以注销账号。' }
]

/** 我的 → 帮助: how to do the everyday things, and whom to call (the person's community). */
export default function HelpPage() {
  const { me } = useMe()
  const communityId = me?.profile.communityId
  // The person's community centre: its number is the one to call.
  const center = useCall(async () => {
    if (!communityId) return { ok: false as const, error: { code: 'NOT_FOUND' as const, message: '' } }
    const list = await centersApi.list({ communityId, pageSize: 1 })
    if (!list.ok || !list.data.items[0]) return { ok: false as const, error: { code: 'NOT_FOUND' as const, message: '' } }
    return centersApi.get({ centerId: list.data.items[0].id })
  }, [communityId])
  const phone = center.data?.phone
  return (
    <PageContainer>
      <Section title='找社区' subtitle={me?.profile.communityName}>
        <Text className='ms-note'>
          {me?.profile.communityName
            ? `遇到不会用、办不成的事，可以打电话或到${me.profile.communityName}的邻里中心找社区工作人员。`
            : '还没有设置住址。设置后，这里会显示您所在社区的联系方式。'}
        </Text>
        {center.data ? (
          <View className='ov-row' hoverClass='ov-row--pressed' data-testid='help-center' onClick={() => go('centersDetail', { id: center.data!.id })}>
            <View className='ov-row__main'>
              <Text className='ov-row__title'>{center.data.name}</Text>
              <Text className='ov-row__desc'>{`${center.data.address}\n${center.data.hoursText}`}</Text>
            </View>
            <Text className='ov-row__arrow'>›</Text>
          </View>
        ) : null}
        {phone ? (
          <View className='ov-link' data-testid='help-call' onClick={() => void Taro.makePhoneCall({ phoneNumber: phone.replace(/-/g, '') }).catch(() => {})}>
            拨打 {phone}
          </View>
        ) : null}
        {!communityId ? <View className='ov-link' onClick={() => go('noticesResidence')}>设置住址</View> : null}
      </Section>
      <Section title='常见问题'>
        {FAQ.map((f) => (
          <View key={f.q} className='ms-faq'>
            <Text className='ms-faq__q'>{f.q}</Text>
            <Text className='ms-faq__a'>{f.a}</Text>
          </View>
        ))}
      </Section>
      <View className='ms-buttons'>
        <BigButton fill='outline' onClick={() => go('mine')}>返回我的</BigButton>
      </View>
    </PageContainer>
  )
}
