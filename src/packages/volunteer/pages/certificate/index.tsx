import { useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, Check, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { ID_CONSENT_PURPOSE, ID_TYPE_LABELS, ID_TYPES, idNumberProblem, type IdType } from '@contracts/activities'
import { activitiesApi, CertificateSheet, printPage } from '@/features/volunteer'
import { Chips } from '@/features/tickets'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { urlOf } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../volunteer.scss'

/**
 * The volunteer's certificate from one issuing organisation, printable (H5) or saved as a screenshot.
 * The first time (or to change it) the volunteer gives their identity document with consent; the
 * certificate shows it masked. Staff of the issuer open it with `volunteerNo` to issue one for a
 * volunteer (e.g. hours from 微心愿 that no staff member verified).
 */
export default function CertificatePage() {
  const params = useRouter().params
  const issuerId = params.issuerId || undefined
  const volunteerNo = params.volunteerNo || undefined
  const hasPersona = useRequirePersona(urlOf('volunteerCertificate', { issuerId, volunteerNo }))
  const { me } = useMe({ enabled: hasPersona })
  const staff = hasRole(me, 'staff') || hasRole(me, 'district_admin')
  const { data, error, loading, reload } = useCall(
    () => activitiesApi.certificate({ ...(issuerId ? { issuerId } : {}), ...(volunteerNo ? { volunteerNo } : {}) }),
    [issuerId, volunteerNo, hasPersona]
  )
  const [issued, setIssued] = useState<typeof data>()
  const [editing, setEditing] = useState(false)
  const [idType, setIdType] = useState<IdType>('resident_id')
  const [idNumber, setIdNumber] = useState('')
  const [consent, setConsent] = useState(false)
  const [problem, setProblem] = useState('')
  const [busy, setBusy] = useState(false)
  const [otherNo, setOtherNo] = useState('')

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  const certificate = issued ?? data
  const needsIdentity = !volunteerNo && !certificate && error?.code === 'INVALID_INPUT' && (error.fields ?? []).includes('idNumber')

  const submitIdentity = async () => {
    const number = idNumber.replace(/\s+/g, '').toUpperCase()
    const local = !number ? '请填写证件号码' : idNumberProblem(idType, number)
    if (local) return setProblem(local)
    if (!consent) return setProblem('请阅读并勾选同意证件信息的使用说明')
    setBusy(true)
    setProblem('')
    const reply = await activitiesApi.certificate({ ...(issuerId ? { issuerId } : {}), identity: { idType, idNumber: number, consent: true } })
    setBusy(false)
    if (!reply.ok) return setProblem(reply.error.message)
    setIssued(reply.data)
    setEditing(false)
    setIdNumber('')
    setConsent(false)
  }

  const identityForm = (
    <Section title='证件信息' subtitle='《志愿服务记录与证明出具办法》要求证明载明志愿者的证件'>
      <Text className='tk-field__label'>证件类型</Text>
      <Chips options={ID_TYPES.map((t) => ({ value: t, label: ID_TYPE_LABELS[t] }))} value={idType} onChange={setIdType} />
      <View className='tk-field'>
        <Text className='tk-field__label'>证件号码</Text>
        <Input className='tk-field__input' value={idNumber} maxlength={30} type={idType === 'resident_id' ? 'idcard' : 'text'} placeholder='请输入证件上的号码' onInput={(e) => setIdNumber(e.detail.value)} />
      </View>
      <Check checked={consent} onChange={setConsent}>
        {ID_CONSENT_PURPOSE}
      </Check>
      {problem ? <Text className='tk-warn'>{problem}</Text> : null}
      <BigButton loading={busy} disabled={busy} onClick={() => void submitIdentity()}>
        同意并开具证明
      </BigButton>
    </Section>
  )

  if (!certificate) {
    if (needsIdentity) return <PageContainer>{identityForm}</PageContainer>
    return (
      <PageContainer>
        {error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState text='正在出具证明…' />}
        {error && !loading && staff && !volunteerNo ? (
          <Section title='为志愿者出具证明' subtitle='志愿者的时长无人审核（如微心愿）时，由本社区工作人员出具并作为经办人'>
            <View className='tk-field'>
              <Text className='tk-field__label'>志愿者编号</Text>
              <Input className='tk-field__input' value={otherNo} maxlength={20} placeholder='例如 SFQ000123' onInput={(e) => setOtherNo(e.detail.value)} />
            </View>
            <BigButton disabled={!otherNo.trim()} onClick={() => void Taro.navigateTo({ url: urlOf('volunteerCertificate', { volunteerNo: otherNo.trim().toUpperCase() }) })}>
              出具证明
            </BigButton>
          </Section>
        ) : null}
      </PageContainer>
    )
  }

  const print = async () => {
    if (!(await printPage())) Taro.showToast({ title: '请截屏保存，或在电脑上打开链接打印', icon: 'none', duration: 3000 })
  }
  const copy = () => void Taro.setClipboardData({ data: `${certificate.verifyUrl}（证明编号 ${certificate.certificateNo}）` }).catch(() => {})

  return (
    <PageContainer>
      <CertificateSheet certificate={certificate} />
      <View className='vp__buttons vt-no-print' style={{ marginTop: '32px' }}>
        <BigButton onClick={() => void print()}>打印证明</BigButton>
        <BigButton fill='outline' onClick={copy}>
          复制核验链接
        </BigButton>
        {!volunteerNo ? (
          <BigButton fill='outline' onClick={() => setEditing(!editing)}>
            {editing ? '不更换证件' : certificate.idType ? '更换证件信息' : '补充证件信息'}
          </BigButton>
        ) : null}
        <Text className='vp__buttons-item vp__muted'>证明内容以服务记录为准。记录如有更正，核验时会显示“记录已变更”，请重新开具。证件号码仅显示部分，完整号码不予保存。</Text>
      </View>
      {editing ? <View className='vt-no-print'>{identityForm}</View> : null}
    </PageContainer>
  )
}
