import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { TEAM_ROLE_LABELS, TEAM_TYPE_LABELS, type TeamMember } from '@contracts/teams'
import { ActivityCard, activitiesApi, canScan, CodeInput, dial, hours, scanCode, Sheet, Stats, Tag, teamsApi, usePaged } from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'

type Dialog = { kind: 'remove'; member: TeamMember } | { kind: 'disband' } | null
const toast = (title: string) => void Taro.showToast({ title, icon: 'none', duration: 2500 })

/** One team: its hours, members (with their hours in the team) and activities; keepers manage it. */
export default function TeamPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('volunteerTeam', { id }))
  const team = useCall(() => teamsApi.get({ teamId: id }), [id, hasPersona])
  // The member list is for the team itself and its keepers only.
  const seesMembers = !!team.data && (team.data.canManage || team.data.isMember)
  const members = usePaged((page) => teamsApi.members({ teamId: id, page, pageSize: 50 }), [id], hasPersona && seesMembers)
  const activities = useCall(() => activitiesApi.list({ teamId: id, when: 'all', pageSize: 5 }), [id, hasPersona])
  const [dialog, setDialog] = useState<Dialog>(null)
  usePullDownRefresh(() => void Promise.all([team.reload(), seesMembers ? members.reload() : undefined, activities.reload()]).then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void (seesMembers ? members.more() : undefined))

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  const t = team.data
  if (!t) return <PageContainer>{team.error && !team.loading ? <ErrorState error={team.error} onRetry={() => void team.reload()} /> : <LoadingState />}</PageContainer>

  const add = async (memberCode: string) => {
    const reply = await teamsApi.addMember({ teamId: id, memberCode })
    if (!reply.ok) return toast(reply.error.message)
    toast(`已将${reply.data.name}编入队伍`)
    void members.reload()
    void team.reload()
  }
  const scan = async () => {
    const text = await scanCode()
    if (text) await add(text)
  }
  /** 拨打: the full number comes from `revealMobile` (audited), then the phone dials it. */
  const call = async (m: TeamMember) => {
    const reply = await teamsApi.revealMobile({ teamId: id, memberKey: m.memberKey })
    if (!reply.ok) return toast(reply.error.message)
    dial(reply.data.mobile)
  }
  const makeLeader = async (m: TeamMember) => {
    if (!m.openid) return
    const reply = await teamsApi.setLeader({ teamId: id, openid: m.openid })
    if (!reply.ok) return toast(reply.error.message)
    toast(`已任命${m.name}为队长`)
    void members.reload()
    void team.reload()
  }

  return (
    <PageContainer>
      <View className='vt-card'>
        <View className='vt-card__tags'>
          <Tag tone={t.type === 'emergency' ? 'solid' : 'red'}>{TEAM_TYPE_LABELS[t.type]}</Tag>
          {t.status === 'disbanded' ? <Tag tone='muted'>已撤销</Tag> : null}
          {t.isMember ? <Tag tone='blue'>我是队员</Tag> : null}
        </View>
        <Text className='vp__head'>{t.name}</Text>
        <Text className='vp__info'>所属社区：{t.communityName}</Text>
        {t.unit ? <Text className='vp__info'>派出单位：{t.unit}</Text> : null}
        {t.description ? <Text className='vp__muted'>{t.description}</Text> : null}
      </View>
      <Stats
        hero
        items={[
          { label: '服务小时', value: hours(t.verifiedMinutes) },
          { label: '队员', value: t.memberCount },
          { label: '活动', value: t.activityCount }
        ]}
      />
      {t.canManage && t.status === 'active' ? (
        <Section title='编入队员' subtitle='扫描或输入志愿者的“志愿者码”'>
          {canScan ? (
            <View className='vp__buttons'>
              <BigButton onClick={() => void scan()}>扫志愿者码</BigButton>
            </View>
          ) : null}
          <CodeInput placeholder='志愿者码或志愿者编号' action='编入' onSubmit={(code) => void add(code)} />
        </Section>
      ) : null}
      {seesMembers ? (
        <Section title={`队员（${members.total}）`}>
          {members.items.map((m) => (
            <View key={m.memberKey} className='vt-row'>
              <View className='vt-row__main'>
                <Text className='vt-row__title'>
                  {m.name}
                  {m.role === 'leader' ? `（${TEAM_ROLE_LABELS.leader}）` : ''}
                </Text>
                <Text className='vt-row__sub'>
                  {t.canManage ? `${m.volunteerNo ?? '暂无编号'} · ` : ''}队内服务 {hours(m.verifiedMinutes)} 小时
                </Text>
                {m.mobile && !t.canManage ? (
                  <View className='vt-card__tags' style={{ marginTop: '12px' }}>
                    <Text className='vt-row__action' style={{ marginLeft: 0 }} onClick={() => void call(m)}>
                      拨打 {m.mobile}
                    </Text>
                  </View>
                ) : null}
                {t.canManage ? (
                  <View className='vt-card__tags' style={{ marginTop: '12px' }}>
                    {m.mobile ? (
                      <Text className='vt-row__action' style={{ marginLeft: 0, marginRight: '16px' }} onClick={() => void call(m)}>
                        拨打 {m.mobile}
                      </Text>
                    ) : null}
                    {m.role !== 'leader' ? (
                      <Text className='vt-row__action' style={{ marginLeft: 0, marginRight: '16px' }} onClick={() => void makeLeader(m)}>
                        设为队长
                      </Text>
                    ) : null}
                    <Text className='vt-row__action' style={{ marginLeft: 0 }} onClick={() => setDialog({ kind: 'remove', member: m })}>
                      移出
                    </Text>
                  </View>
                ) : null}
              </View>
            </View>
          ))}
          {members.hasMore ? (
            <BigButton fill='outline' loading={members.loading} onClick={() => void members.more()}>
              加载更多
            </BigButton>
          ) : null}
        </Section>
      ) : null}
      {activities.data?.items.length ? (
        <Section title='队伍活动'>
          {activities.data.items.map((a) => (
            <ActivityCard key={a._id} activity={a} onClick={() => go('volunteerDetail', { id: a._id })} />
          ))}
        </Section>
      ) : null}
      {t.canManage && t.status === 'active' ? (
        <View className='vp__buttons'>
          <BigButton fill='outline' onClick={() => setDialog({ kind: 'disband' })}>
            撤销队伍
          </BigButton>
        </View>
      ) : null}
      <Sheet
        open={dialog !== null}
        title={dialog?.kind === 'remove' ? `将${dialog.member.name}移出队伍` : '撤销队伍'}
        fields={[{ key: 'reason', label: '原因', placeholder: dialog?.kind === 'remove' ? '例如：工作调动' : '例如：任务完成', multiline: true }]}
        onClose={() => setDialog(null)}
        onConfirm={async ({ reason }) => {
          if (!dialog) return
          const reply = dialog.kind === 'remove' ? await teamsApi.removeMember({ teamId: id, openid: dialog.member.openid ?? '', reason: reason.trim() }) : await teamsApi.disband({ teamId: id, reason: reason.trim() })
          if (!reply.ok) return reply.error.message
          setDialog(null)
          toast('已保存')
          void members.reload()
          void team.reload()
        }}
      />
    </PageContainer>
  )
}
