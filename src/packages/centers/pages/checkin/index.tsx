import { useCallback, useEffect, useRef, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, LoadingState, PageContainer, Section } from '@/components'
import type { BookingView } from '@contracts/centers'
import { canScan, centersApi, rangeLabel, scanRoomCode } from '@/features/centers'
import { useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import '@/features/centers/components/centers-pages.scss'

/**
 * 到场签到: the page the room's QR code opens (scene = the room code), or reached from a booking.
 * With a code it checks in at once; otherwise the resident scans (mini-program) or types the code
 * printed under the QR (H5).
 */
export default function CheckInPage() {
  const params = useRouter().params
  const scene = params.scene ? decodeURIComponent(params.scene) : ''
  const hasPersona = useRequirePersona(scene ? `${routes.centersCheckIn}?scene=${encodeURIComponent(scene)}` : routes.centersCheckIn)
  const [code, setCode] = useState(scene)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ ok: true; booking: BookingView } | { ok: false; message: string }>()
  const tried = useRef(false)

  const submit = useCallback(async (roomCode: string) => {
    if (roomCode.trim().length < 4) return Taro.showToast({ title: '请输入活动室门口的签到码', icon: 'none' })
    setBusy(true)
    const reply = await centersApi.checkIn({ roomCode: roomCode.trim() })
    setBusy(false)
    setResult(reply.ok ? { ok: true, booking: reply.data } : { ok: false, message: reply.error.message })
  }, [])

  useEffect(() => {
    if (hasPersona && scene && !tried.current) {
      tried.current = true
      void submit(scene)
    }
  }, [hasPersona, scene, submit])

  const scan = async () => {
    const read = await scanRoomCode()
    if (!read) return
    setCode(read)
    void submit(read)
  }

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  return (
    <PageContainer>
      {result ? (
        <View className='ct-card ct-result'>
          <View className={result.ok ? 'ct-result__icon' : 'ct-result__icon ct-result__icon--bad'}>
            <Text>{result.ok ? '✓' : '!'}</Text>
          </View>
          <Text className='ct-result__title'>{result.ok ? '签到成功' : '未能签到'}</Text>
          {result.ok ? (
            <>
              <Text className='ct-result__desc'>{result.booking.centerName} · {result.booking.roomName}</Text>
              <Text className='ct-result__desc'>{rangeLabel(result.booking.start, result.booking.end)}</Text>
              <Text className='ct-result__desc'>祝您活动愉快，离开时请关好门窗、恢复桌椅</Text>
            </>
          ) : (
            <Text className='ct-result__desc'>{result.message}</Text>
          )}
        </View>
      ) : busy ? (
        <LoadingState text='正在签到…' />
      ) : null}
      {result?.ok ? <BigButton fill='outline' onClick={() => go('centersMine')}>查看我的预约</BigButton> : null}
      {!result?.ok ? (
        <Section title='到场签到' subtitle='开始前后15分钟内'>
          {canScan ? (
            <BigButton onClick={() => void scan()}>扫描活动室门口的二维码</BigButton>
          ) : null}
          <Text className='ct-form__label'>{canScan ? '或输入二维码下方的签到码' : '输入活动室门口二维码下方的签到码'}</Text>
          <Input className='ct-form__input ct-code-input' value={code} maxlength={300} placeholder='例如：FF2XY2PV' onInput={(e) => setCode(e.detail.value)} onConfirm={() => void submit(code)} />
          <View className='ct-section-gap' />
          <BigButton type={canScan ? 'default' : 'primary'} loading={busy} onClick={() => void submit(code)}>签到</BigButton>
        </Section>
      ) : null}
    </PageContainer>
  )
}
