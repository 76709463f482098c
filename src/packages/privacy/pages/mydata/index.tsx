import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { CONSENT_PURPOSE_TEXT, type ConsentState } from '@contracts/privacy'
import { ConsentCard, DataSection, openExport, usersApi } from '@/features/privacy'
import { sessionStore, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import './index.scss'

const toast = (title: string) => void Taro.showToast({ title, icon: 'none', duration: 3000 })

/**
 * 我的 → 个人信息与隐私 (个人信息保护法 第四十四—四十七条): everything held about me (with counts and
 * the newest records), a copy to download, my consents with their withdrawal (after being told what
 * stops and what is kept), and deleting the account (注销), confirmed twice.
 */
export default function MyDataPage() {
  const hasPersona = useRequirePersona(routes.privacyMyData)
  const state = useCall(
    async () => (hasPersona ? usersApi.myData() : { ok: false as const, error: { code: 'UNAUTHENTICATED' as const, message: '请先选择演示身份' } }),
    [hasPersona]
  )
  const [busy, setBusy] = useState<string>()
  useDidShow(() => {
    if (hasPersona && state.data) void state.reload()
  })
  usePullDownRefresh(() => {
    void state.reload().finally(() => Taro.stopPullDownRefresh())
  })

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (state.error && !state.data) return <PageContainer><ErrorState error={state.error} onRetry={() => void state.reload()} /></PageContainer>
  if (!state.data) return <PageContainer><LoadingState /></PageContainer>
  const { profile, volunteer, sections, consents } = state.data

  const exportData = async () => {
    setBusy('export')
    const reply = await usersApi.exportMyData()
    setBusy(undefined)
    if (!reply.ok) return toast(reply.error.message)
    try {
      await openExport(reply.data)
    } catch {
      toast('文件已生成，但未能打开，请稍后重试')
    }
  }

  const withdraw = async (consent: ConsentState) => {
    const text = CONSENT_PURPOSE_TEXT[consent.purpose]
    const ok = await Taro.showModal({
      title: `撤回「${text.label}」`,
      content: `撤回后：${text.stops}。\n\n保留：${text.kept}。`,
      confirmText: '确定撤回',
      cancelText: '再想想'
    })
    if (!ok.confirm) return
    setBusy(consent.purpose)
    const reply = await usersApi.withdrawConsent({ purpose: consent.purpose })
    setBusy(undefined)
    if (!reply.ok) {
      toast(reply.error.message)
      return void state.reload()
    }
    await Taro.showModal({ title: '已撤回同意', content: reply.data.done.join('\n'), showCancel: false, confirmText: '知道了' })
    // Roles or the profile may have changed (e.g. the member role with the registration).
    void sessionStore.load(true)
    void state.reload()
  }

  const deleteAccount = async () => {
    const first = await Taro.showModal({
      title: '注销账号',
      content:
        '注销将删除：您的账号、姓名、手机号、住址、证件信息、通知订阅和您导出过的个人信息副本；问题反映、心愿、预约、报到和活动报名上的姓名改为「已注销用户」，手机号删除；报到登记中的工作单位、特长、单元、门牌和党组织删除；尚未开始的活动报名和场地预约将被取消，并退出所在队伍；您发布的尚未被认领的心愿将被取消，您认领而未完成的心愿将重新开放给其他党员认领。\n\n' +
        '依法保留：已认定的志愿服务记录（含认定时的姓名）和已出具的证明（仍与您的微信账号关联，日后用同一微信再次登记会重新显示）；问题反映、心愿、预约和报到的内容及办理经过（不再含您的姓名和手机号，报到只保留社区、网格、楼栋和所编入的党组织）；同意与撤回的记录。',
      confirmText: '继续注销',
      cancelText: '不注销'
    })
    if (!first.confirm) return
    const second = await Taro.showModal({ title: '再次确认', content: '注销后无法恢复。确定要注销账号吗？', confirmText: '确定注销', cancelText: '不注销' })
    if (!second.confirm) return
    setBusy('delete')
    const reply = await usersApi.deleteAccount({ confirm: true })
    setBusy(undefined)
    if (!reply.ok) return toast(reply.error.message)
    await Taro.showModal({
      title: '账号已注销',
      content: `${reply.data.removed.join('\n')}\n\n保留：\n${reply.data.kept.join('\n')}`,
      showCancel: false,
      confirmText: '回到首页'
    })
    sessionStore.reset()
    go('home')
  }

  return (
    <PageContainer>
      <Text className='pv-intro'>这里是红邻保存的关于您的全部个人信息。您可以查看、下载副本、撤回同意或注销账号（《个人信息保护法》第四十四至四十七条）。</Text>

      <Section title='基本信息'>
        <Text className='pv-row'>姓名：{profile.name || '未登记'}</Text>
        <Text className='pv-row'>手机号：{profile.mobileMasked || '未登记'}</Text>
        <Text className='pv-row'>住址：{[profile.communityName, profile.gridName, profile.buildingName].filter(Boolean).join(' ') || '未登记'}</Text>
        <Text className='pv-row'>身份：{profile.roles.join('、')}</Text>
      </Section>

      {volunteer ? (
        <Section title='志愿者信息'>
          <Text className='pv-row'>志愿者编号：{volunteer.volunteerNo}</Text>
          <Text className='pv-row'>
            已认定服务时长：{volunteer.verifiedHours} 小时（{volunteer.verifiedRecords} 条记录）
          </Text>
          <Text className='pv-row'>证件信息：{volunteer.identity ? `${volunteer.identity.typeLabel} ${volunteer.identity.masked}` : '未保存'}</Text>
          <Text className='pv-row'>排行榜显示姓名：{volunteer.rankingOptIn ? '显示' : '不显示（匿名）'}</Text>
        </Section>
      ) : null}

      <Section title='我的记录' subtitle='每类显示最近几条'>
        {sections.map((section) => (
          <DataSection key={section.key} section={section} />
        ))}
      </Section>

      <Section title='下载我的数据' subtitle='完整副本，JSON 格式'>
        <Text className='pv-danger'>生成一份包含以上全部记录的文件，可保存或转交给其他机构。</Text>
        <BigButton loading={busy === 'export'} onClick={() => void exportData()}>
          导出我的数据
        </BigButton>
      </Section>

      <Section title='我的同意'>
        {consents.length === 0 ? (
          <EmptyState title='暂无同意记录' description='您还没有作出过需要记录的同意' wayOn={false} />
        ) : (
          consents.map((consent) => <ConsentCard key={consent.purpose} consent={consent} busy={busy === consent.purpose} onWithdraw={() => void withdraw(consent)} />)
        )}
      </Section>

      <Section title='注销账号'>
        <Text className='pv-danger'>注销后，您的账号和个人信息将被删除，已认定的志愿服务记录等依法保留。社区工作人员、物业和业委会账号须先由区级管理员解除身份。</Text>
        <View className='pv-buttons'>
          <BigButton fill='outline' loading={busy === 'delete'} onClick={() => void deleteAccount()}>
            注销账号
          </BigButton>
        </View>
      </Section>
    </PageContainer>
  )
}
