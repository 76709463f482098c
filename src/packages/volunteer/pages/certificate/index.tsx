import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer } from '@/components'
import { activitiesApi, CertificateSheet, printPage } from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { urlOf } from '@/services/routes'
import '../volunteer.scss'

/** The volunteer's certificate from one issuing organisation, printable (H5) or saved as a screenshot. */
export default function CertificatePage() {
  const issuerId = useRouter().params.issuerId || undefined
  const hasPersona = useRequirePersona(urlOf('volunteerCertificate', { issuerId }))
  const { data, error, loading, reload } = useCall(() => activitiesApi.certificate(issuerId), [issuerId, hasPersona])

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  if (!data) return <PageContainer>{error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState text='正在出具证明…' />}</PageContainer>

  const print = async () => {
    if (!(await printPage())) Taro.showToast({ title: '请截屏保存，或在电脑上打开链接打印', icon: 'none', duration: 3000 })
  }
  const copy = () => void Taro.setClipboardData({ data: `${data.verifyUrl}（证明编号 ${data.certificateNo}）` }).catch(() => {})

  return (
    <PageContainer>
      <CertificateSheet certificate={data} />
      <View className='vp__buttons vt-no-print' style={{ marginTop: '32px' }}>
        <BigButton onClick={() => void print()}>打印证明</BigButton>
        <BigButton fill='outline' onClick={copy}>
          复制核验链接
        </BigButton>
        <Text className='vp__muted'>证明内容以服务记录为准。记录如有更正，核验时会显示“记录已变更”，请重新开具。</Text>
      </View>
    </PageContainer>
  )
}
