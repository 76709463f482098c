import { useEffect, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { ROLE_INVITE_CODE, type RoleInviteView } from '@contracts/auth'
import { BigButton, ErrorState, LoadingState, PageContainer } from '@/components'
import { SuccessState } from '@/components/SuccessState'
import { authApi } from '@/features/desk'
import { sessionStore, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import { timeOf } from '@/services/time'
import '../mine.scss'
import './index.scss'

type Step =
  | { step: 'enter' }
  | { step: 'loading' }
  | { step: 'confirm'; invite: RoleInviteView }
  | { step: 'done'; label: string }
  | { step: 'declined' }
  | { step: 'error'; message: string }

/** The code as it arrives: WeChat passes a mini-program code's scene URL-encoded in `scene`; a typed one in any case. */
function inviteCodeOf(raw: string | undefined): string {
  if (!raw) return ''
  let text = raw
  try {
    text = decodeURIComponent(raw)
  } catch {
    // as it came
  }
  return text.trim().toUpperCase()
}

/** Why an invitation read back cannot be accepted, in plain words (undefined: it can). */
function refusalOf(invite: RoleInviteView): string | undefined {
  if (invite.status === 'used') return invite.mine ? undefined : '邀请已被使用'
  if (invite.status === 'expired') return '邀请已过期，请联系区级管理员重新邀请'
  if (invite.status === 'cancelled') return '邀请已被撤回'
  return undefined
}

/**
 * 接受角色邀请 (docs/back-office.md §6): the landing of the district admin's invitation (its QR
 * code, `?scene=<code>`), or the code typed by hand. 接受“社区工作者（东风社区）”身份？ 接受 / 暂不.
 * Accepting happens on the phone only (the function refuses a PC).
 */
export default function RoleInvitePage() {
  const fromLink = inviteCodeOf(useRouter().params.scene)
  const hasPersona = useRequirePersona(urlOf('mineRoleInvite', fromLink ? { scene: fromLink } : undefined))
  const [code, setCode] = useState(fromLink)
  const [typed, setTyped] = useState('')
  const [view, setView] = useState<Step>(fromLink ? { step: 'loading' } : { step: 'enter' })
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!hasPersona || !code) return
    let live = true
    setView({ step: 'loading' })
    void authApi.roleInvite({ code }).then((reply) => {
      if (!live) return
      if (!reply.ok) return setView({ step: 'error', message: reply.error.message })
      const invite = reply.data
      if (invite.status === 'used' && invite.mine) return setView({ step: 'done', label: invite.label })
      const refusal = refusalOf(invite)
      setView(refusal ? { step: 'error', message: refusal } : { step: 'confirm', invite })
    })
    return () => {
      live = false
    }
  }, [hasPersona, code])

  const accept = async () => {
    setBusy(true)
    const reply = await authApi.acceptRole({ code })
    setBusy(false)
    if (!reply.ok) return setView({ step: 'error', message: reply.error.message })
    // The new role shows in 我的 and opens its work at once.
    void sessionStore.load(true)
    setView({ step: 'done', label: reply.data.label })
  }

  let body
  if (view.step === 'loading') body = <LoadingState text='正在读取邀请…' />
  else if (view.step === 'error') {
    body = (
      <ErrorState error={{ message: view.message }}>
        <BigButton fill='outline' onClick={() => go('mine')}>
          返回我的
        </BigButton>
      </ErrorState>
    )
  } else if (view.step === 'done') {
    body = (
      <SuccessState title={`您已是${view.label}`} description='相应的工作入口已出现在“我的”里；也可以在电脑上扫码登录管理后台。'>
        <BigButton onClick={() => go('mine')}>去“我的”看看</BigButton>
      </SuccessState>
    )
  } else if (view.step === 'declined') {
    body = (
      <SuccessState title='暂不接受' description='邀请在有效期内仍可再次打开并接受。'>
        <BigButton onClick={() => go('mine')}>返回我的</BigButton>
      </SuccessState>
    )
  } else if (view.step === 'enter') {
    const valid = ROLE_INVITE_CODE.test(inviteCodeOf(typed))
    body = (
      <View className='ms-desk' data-testid='role-invite-enter'>
        <Text className='ms-desk__title'>输入角色邀请码</Text>
        <Input className='ms-invite__input' value={typed} maxlength={8} placeholder='8位字母或数字' onInput={(e) => setTyped(e.detail.value)} />
        <Text className='ms-note'>邀请码由区级管理员发给您，72小时内有效，只能使用一次。</Text>
        <View className='ms-buttons'>
          <BigButton disabled={!valid} onClick={() => setCode(inviteCodeOf(typed))}>
            查看邀请
          </BigButton>
        </View>
      </View>
    )
  } else {
    const { invite } = view
    body = (
      <View className='ms-desk' data-testid='role-invite-confirm'>
        <Text className='ms-desk__title'>接受“{invite.label}”身份？</Text>
        <View className='ms-desk__card'>
          {invite.invitedByName ? (
            <View className='ms-desk__row'>
              <Text className='ms-desk__label'>邀请人</Text>
              <Text className='ms-desk__value'>{invite.invitedByName}</Text>
            </View>
          ) : null}
          {invite.note ? (
            <View className='ms-desk__row'>
              <Text className='ms-desk__label'>备注</Text>
              <Text className='ms-desk__value'>{invite.note}</Text>
            </View>
          ) : null}
          <View className='ms-desk__row'>
            <Text className='ms-desk__label'>有效期至</Text>
            <Text className='ms-desk__value'>{timeOf(invite.expiresAt)}</Text>
          </View>
        </View>
        <Text className='ms-note'>接受后，您可以处理相应范围内的工作；您的操作会记录在您的名下。如不是您本人受邀，请选“暂不”。</Text>
        <View className='ms-buttons'>
          <BigButton loading={busy} disabled={busy} onClick={() => void accept()}>
            接受
          </BigButton>
        </View>
        <View className='ms-buttons'>
          <BigButton fill='outline' disabled={busy} onClick={() => setView({ step: 'declined' })}>
            暂不
          </BigButton>
        </View>
      </View>
    )
  }
  return <PageContainer>{body}</PageContainer>
}
