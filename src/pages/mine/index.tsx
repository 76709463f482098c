import { Text, View } from '@tarojs/components'
import { ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { PersonaSwitch, roleLabels, scopeLines, useMe } from '@/features/session'
import { CareSwitch, Rows, WorkQueues, mineRows, useOverview, workQueues, type Row } from '@/features/overview'
import { canUseDesk } from '@/features/desk/tab'
import './index.scss'

const SETTINGS: Row[] = [
  { key: 'settings', title: '消息设置', desc: '通知提醒、排行榜公开', target: { route: 'mineSettings' } },
  { key: 'privacy', title: '个人信息与隐私', desc: '查看、下载我的数据，撤回同意，注销账号', target: { route: 'privacyMyData' } },
  { key: 'help', title: '帮助', desc: '怎么报事、预约、报名签到，找谁', target: { route: 'mineHelp' } },
  // For a code received as text (the invitation's QR code opens the same page).
  { key: 'roleInvite', title: '接受角色邀请', desc: '社区、物业或业委会工作人员输入邀请码', target: { route: 'mineRoleInvite' } }
]

/** Staff-class roles only (the back office's DESK_ROLES): the PCs signed in as me. */
const DEVICES: Row = { key: 'devices', title: '登录设备', desc: '在电脑上登录的管理后台，可让电脑退出', target: { route: 'mineDevices' } }

/** 我的: who I am, my own things with counts, my work queues (staff and the other parties), settings. */
export default function MinePage() {
  const { me, loading, error, reload } = useMe()
  const overview = useOverview(true, () => void reload())
  if (!me) {
    return (
      <PageContainer>
        {error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState />}
        <PersonaSwitch />
      </PageContainer>
    )
  }
  const { data } = overview
  const queues = data ? workQueues(data.work) : []
  return (
    <PageContainer>
      <View className='mine__card'>
        <View className='mine__avatar'>
          <Text className='mine__avatar-text'>{(me.profile.name || '邻').slice(0, 1)}</Text>
        </View>
        <View className='mine__who'>
          <Text className='mine__name'>{me.profile.name || '未登记姓名'}</Text>
          {me.profile.mobileMasked ? <Text className='mine__line'>{me.profile.mobileMasked}</Text> : null}
          <View className='mine__roles'>
            {roleLabels(me).map((label) => (
              <Text key={label} className='mine__role'>
                {label}
              </Text>
            ))}
          </View>
          {scopeLines(me).map((line) => (
            <Text key={line} className='mine__line'>
              {line}
            </Text>
          ))}
        </View>
      </View>
      {queues.length ? (
        <Section title='工作'>
          <WorkQueues queues={queues} />
        </Section>
      ) : null}
      <Section title='我的事务'>
        {data ? (
          <Rows rows={mineRows(me, data)} />
        ) : overview.error ? (
          <View>
            <Text className='ov-calm'>{overview.error.message}</Text>
            <View className='ov-link' onClick={() => void overview.reload()}>重新加载</View>
          </View>
        ) : (
          <Text className='ov-calm'>正在加载…</Text>
        )}
      </Section>
      <Section title='设置与帮助'>
        <CareSwitch />
        <Rows rows={canUseDesk(me) ? [...SETTINGS.slice(0, 2), DEVICES, ...SETTINGS.slice(2)] : SETTINGS} />
      </Section>
      <PersonaSwitch />
    </PageContainer>
  )
}
