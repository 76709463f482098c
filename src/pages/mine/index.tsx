import { Text, View } from '@tarojs/components'
import { ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { PersonaSwitch, addressLine, roleLabels, scopeLines, useMe } from '@/features/session'
import { go } from '@/services/navigate'
import './index.scss'

export default function MinePage() {
  const { me, loading, error, reload } = useMe()
  if (!me) {
    return (
      <PageContainer>
        {error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState />}
        <PersonaSwitch />
      </PageContainer>
    )
  }
  const address = addressLine(me)
  const scopes = scopeLines(me)
  return (
    <PageContainer>
      <View className='mine__card'>
        <View className='mine__avatar'>
          <Text className='mine__avatar-text'>{(me.profile.name || '邻').slice(0, 1)}</Text>
        </View>
        <View className='mine__who'>
          <Text className='mine__name'>{me.profile.name || '未登记姓名'}</Text>
          {me.profile.mobileMasked ? <Text className='mine__line'>{me.profile.mobileMasked}</Text> : null}
        </View>
      </View>
      <Section title='我的身份'>
        <View className='mine__roles'>
          {roleLabels(me).map((label) => (
            <Text key={label} className='mine__role'>
              {label}
            </Text>
          ))}
        </View>
        {address ? (
          <Text className='mine__row'>
            {me.profile.gridName || me.profile.buildingName ? '住址' : '所属社区'}：{address}
          </Text>
        ) : null}
        {scopes.map((line) => (
          <Text key={line} className='mine__row'>
            {line}
          </Text>
        ))}
      </Section>
      <View className='mine__entry' hoverClass='mine__entry--pressed' data-testid='mine-privacy' onClick={() => go('privacyMyData')}>
        <View className='mine__entry-main'>
          <Text className='mine__entry-title'>个人信息与隐私</Text>
          <Text className='mine__entry-desc'>查看、下载我的数据，撤回同意，注销账号</Text>
        </View>
        <Text className='mine__entry-arrow'>›</Text>
      </View>
      <PersonaSwitch />
    </PageContainer>
  )
}
