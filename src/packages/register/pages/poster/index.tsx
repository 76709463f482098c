import { useEffect, useState } from 'react'
import { Image, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer } from '@/components'
import type { CommunityCode } from '@contracts/members'
import type { ReplyError } from '@contracts/reply'
import { canPrint, printPage, qrcodesApi, saveImage } from '@/features/register'
import { useMe, useRequirePersona } from '@/features/session'
import { urlOf } from '@/services/routes'
import '@/features/register/components/register.scss'

const STEPS = ['用微信扫一扫上方二维码', '填写姓名、工作单位、所在党组织和居住地址', '社区审核通过后，编入所住小区的网格党支部和楼栋党小组']

/**
 * The printable poster of a community's 报到码 for notice boards and the 党群服务中心: the
 * community's name, the code, three steps. H5 prints it; the mini-program saves the code image.
 */
export default function RegisterPosterPage() {
  const { params } = useRouter()
  const hasPersona = useRequirePersona(urlOf('registerPoster', { communityId: params.communityId }))
  const { me } = useMe({ enabled: hasPersona })
  const communityId = params.communityId || me?.scopes.communityIds[0]
  const [code, setCode] = useState<CommunityCode>()
  const [error, setError] = useState<ReplyError>()
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    if (!hasPersona || !communityId) return
    setError(undefined)
    void qrcodesApi.community({ communityId }).then((reply) => (reply.ok ? setCode(reply.data) : setError(reply.error)))
  }, [hasPersona, communityId, attempt])

  if (!hasPersona || (!communityId && !me)) return <PageContainer><LoadingState /></PageContainer>
  if (!communityId) return <PageContainer><ErrorState error={{ message: '请从报到管理选择社区后再打开海报' }} /></PageContainer>
  if (error) return <PageContainer><ErrorState error={error} onRetry={() => setAttempt((n) => n + 1)} /></PageContainer>
  if (!code) return <PageContainer><LoadingState text='正在生成报到码…' /></PageContainer>

  const save = async () => {
    const ok = await saveImage(code)
    Taro.showToast({ title: ok ? '已保存到相册' : '保存失败，请允许保存到相册后重试', icon: ok ? 'success' : 'none' })
  }

  return (
    <PageContainer>
      <View className='rg-poster' data-testid='poster'>
        <Text className='rg-poster__org'>{code.communityName}"大党委"</Text>
        <Text className='rg-poster__title'>在职党员到居住地报到</Text>
        <Text className='rg-poster__community'>{code.communityName}</Text>
        <View className='rg-poster__codebox'>
          <Image className='rg-poster__code' src={code.image} mode='scaleToFill' data-testid='poster-code' />
        </View>
        <Text className='rg-poster__scene'>报到码：{code.scene}</Text>
        <View className='rg-poster__steps rg-steps'>
          {STEPS.map((step, i) => (
            <View key={step} className='rg-steps__item'>
              <Text className='rg-steps__n'>{i + 1}</Text>
              <Text className='rg-steps__text'>{step}</Text>
            </View>
          ))}
        </View>
        <Text className='rg-poster__foot'>亮身份、作表率，为邻里办实事</Text>
      </View>
      <View className='rg-buttons rg-no-print'>
        {canPrint ? <BigButton onClick={printPage}>打印海报</BigButton> : <BigButton onClick={() => void save()}>保存报到码到相册</BigButton>}
      </View>
    </PageContainer>
  )
}
