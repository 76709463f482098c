import { Text, View } from '@tarojs/components'
import { ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { PersonaSwitch, addressLine, roleLabels, scopeLines, useMe } from '@/features/session'
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
      <PersonaSwitch />
    </PageContainer>
  )
}
