import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer } from '@/components'
import { activitiesApi, printPage, QrBox } from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { routes } from '@/services/routes'
import '../volunteer.scss'

/**
 * The volunteer's personal code: staff scan it to check in someone without a phone (print it on a
 * card for an elderly neighbour), or type the full code printed under it (the number alone is not
 * accepted: numbers are consecutive, the part after the dot is the code's signature).
 */
export default function MyCodePage() {
  const hasPersona = useRequirePersona(routes.volunteerMyCode)
  const { data, error, loading, reload } = useCall(() => activitiesApi.memberCode(), [hasPersona])
  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  if (!data) return <PageContainer>{error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState />}</PageContainer>
  const print = async () => {
    if (!(await printPage())) Taro.showToast({ title: '请截屏保存，可打印成卡片随身携带', icon: 'none', duration: 3000 })
  }
  return (
    <PageContainer>
      <Text className='vp__head'>{data.name}</Text>
      <Text className='vp__big-number'>{data.volunteerNo}</Text>
      <View className='vp__gap' />
      <QrBox src={data.qr} caption='参加活动时，请工作人员扫此码为您签到、签退（扫不出时输入下方完整编码）' code={data.memberCode} />
      <View className='vp__buttons vt-no-print' style={{ marginTop: '32px' }}>
        <BigButton fill='outline' onClick={() => void print()}>
          打印成卡片
        </BigButton>
        <Text className='vp__buttons-item vp__muted'>没有智能手机的家人，可以打印此码随身携带，由社区工作人员扫码登记服务时长。</Text>
      </View>
    </PageContainer>
  )
}
