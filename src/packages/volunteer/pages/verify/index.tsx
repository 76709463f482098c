import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { LoadingState, PageContainer, Section } from '@/components'
import { ID_TYPE_LABELS, type CertificateCheck } from '@contracts/activities'
import { activitiesApi, CodeInput, fullDate, hours } from '@/features/volunteer'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'

/**
 * Public: anyone (an employer, a school) checks a certificate number against the records, without
 * signing in. Shows the masked name, the volunteer number, the hours and the issuer; never a mobile.
 */
export default function VerifyCertificatePage() {
  const params = useRouter().params
  const initial = decodeURIComponent(params.no || params.scene || '')
  const [no, setNo] = useState(initial)
  const [result, setResult] = useState<CertificateCheck>()
  const [error, setError] = useState<string>()
  const [loading, setLoading] = useState(false)

  useEffect(() => {
    if (!no) return
    setLoading(true)
    setResult(undefined)
    setError(undefined)
    void activitiesApi.verifyCertificate({ certificateNo: no }).then((reply) => {
      setLoading(false)
      if (reply.ok) setResult(reply.data)
      else setError(reply.error.code === 'NOT_FOUND' ? `未找到证明编号 ${no}，请核对后重试` : reply.error.message)
    })
  }, [no])

  return (
    <PageContainer>
      <Text className='vp__label'>证明编号</Text>
      <CodeInput placeholder='例如 ZM20261127ABC234' action='核验' onSubmit={(code) => setNo(code.toUpperCase())} />
      <View className='vp__gap' />
      {loading ? <LoadingState text='正在核验…' /> : null}
      {error ? <Text className='vt-notice vt-notice--error'>{error}</Text> : null}
      {result ? (
        <View>
          <View className='vp__result'>
            <View className={result.valid ? 'vp__result-icon' : 'vp__result-icon vp__result-icon--error'}>{result.valid ? '✓' : '!'}</View>
            <Text className='vp__result-title'>{result.valid ? '证明真实有效' : '服务记录已变更'}</Text>
            <Text className='vp__result-text'>
              {result.valid ? '与服务记录一致' : `出具后记录有更正：现认定 ${hours(result.currentMinutes)} 小时，证明载明 ${hours(result.totalMinutes)} 小时`}
            </Text>
          </View>
          <Section title='证明内容'>
            <Text className='vp__info'>证明编号：{result.certificateNo}</Text>
            <Text className='vp__info'>志愿者：{result.name}（编号 {result.volunteerNo}）</Text>
            {result.idType && result.idNumberMasked ? (
              <Text className='vp__info'>
                证件：{ID_TYPE_LABELS[result.idType]} {result.idNumberMasked}（部分隐去，请与证件核对）
              </Text>
            ) : null}
            <Text className='vp__info'>服务时长：{hours(result.totalMinutes)} 小时（{result.recordCount} 次）</Text>
            <Text className='vp__info'>服务期间：{fullDate(result.periodFrom)} 至 {fullDate(result.periodTo)}</Text>
            <Text className='vp__info'>服务内容：{result.byCategory.map((c) => `${c.key}${hours(c.minutes)}小时`).join('、')}</Text>
            <Text className='vp__info'>出具单位：{result.issuerName}</Text>
            <Text className='vp__info'>负责人：{result.personInCharge} · 经办人：{result.handler}</Text>
            <Text className='vp__info'>出具日期：{fullDate(result.issuedAt)}</Text>
          </Section>
        </View>
      ) : null}
      {!no ? <Text className='vp__muted'>输入志愿服务证明上的编号，或扫描证明上的二维码，即可核验证明真伪。无需登录。</Text> : null}
    </PageContainer>
  )
}
