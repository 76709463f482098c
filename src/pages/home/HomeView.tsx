import { Text, View } from '@tarojs/components'
import type { Me } from '@contracts/users'
import type { Overview } from '@contracts/overview'
import type { CallState } from '@/services/cloud/useCall'
import { ActionGrid, Section } from '@/components'
import { addressLine, roleLabels } from '@/features/session'
import { go } from '@/services/navigate'
import { homeSections } from './sections'
import { NowSection } from './NowSection'
import './index.scss'

/** The home screen for a known user: hero, what needs me now (the overview), then the launcher. */
export function HomeView({ me, overview }: { me: Me; overview?: Pick<CallState<Overview>, 'data' | 'error' | 'reload'> }) {
  const address = addressLine(me)
  const sections = homeSections(me)
  return (
    <View className='home'>
      <View className='home__hero'>
        <Text className='home__brand'>红邻 · 社区物业党建联建</Text>
        <Text className='home__greeting'>{me.profile.name ? `${me.profile.name}，您好` : '您好'}</Text>
        {address ? <Text className='home__address'>{address}</Text> : null}
        <View className='home__roles'>
          {roleLabels(me).map((label) => (
            <Text key={label} className='home__role'>
              {label}
            </Text>
          ))}
        </View>
      </View>
      {overview ? <NowSection me={me} data={overview.data} error={overview.error} onRetry={() => void overview.reload()} /> : null}
      {sections.map((section) => (
        <Section key={section.key} title={section.title} subtitle={section.subtitle}>
          <ActionGrid
            actions={section.actions.map((a) => ({
              key: a.key,
              label: a.label,
              badge: a.badge,
              hint: a.hint,
              onClick: () => go(a.route)
            }))}
          />
        </Section>
      ))}
    </View>
  )
}
