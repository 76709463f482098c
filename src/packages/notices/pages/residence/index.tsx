import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { BigButton, LoadingState, PageContainer, Section } from '@/components'
import type { PlaceOption } from '@contracts/notices'
import { Chips, noticesApi } from '@/features/notices'
import { addressLine, hasRole, useMe, useRequirePersona } from '@/features/session'
import { routes } from '@/services/routes'
import '../notices.scss'

/**
 * 我的住址: a resident picks community, compound and building, so that notices for them arrive
 * (and they count in their building's read coverage). Party members' residence comes from 报到.
 */
export default function ResidencePage() {
  const hasPersona = useRequirePersona(routes.noticesResidence)
  const { me, reload } = useMe()
  const [communities, setCommunities] = useState<PlaceOption[]>([])
  const [grids, setGrids] = useState<PlaceOption[]>([])
  const [buildings, setBuildings] = useState<PlaceOption[]>([])
  const [community, setCommunity] = useState('')
  const [grid, setGrid] = useState('')
  const [building, setBuilding] = useState('')
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (hasPersona) void noticesApi.places().then((r) => r.ok && setCommunities(r.data.items))
  }, [hasPersona])
  useEffect(() => {
    setGrids([])
    setGrid('')
    if (community) void noticesApi.places({ communityId: community }).then((r) => r.ok && setGrids(r.data.items))
  }, [community])
  useEffect(() => {
    setBuildings([])
    setBuilding('')
    if (grid) void noticesApi.places({ gridId: grid }).then((r) => r.ok && setBuildings(r.data.items))
  }, [grid])

  if (!hasPersona || !me) return <PageContainer><LoadingState /></PageContainer>
  const current = addressLine(me)
  if (hasRole(me, 'member')) {
    return (
      <PageContainer>
        <Section title='我的住址'>
          <Text className='np__note'>{current || '尚未登记'}</Text>
          <Text className='np__note'>党员的住址以到社区报到时登记的为准。搬家后请到新住址所在社区重新报到。</Text>
        </Section>
      </PageContainer>
    )
  }

  const save = async () => {
    if (!building) return Taro.showToast({ title: '请选择楼栋', icon: 'none' })
    setBusy(true)
    const reply = await noticesApi.setResidence({ communityId: community, gridId: grid, buildingId: building })
    setBusy(false)
    if (!reply.ok) return Taro.showModal({ title: '保存失败', content: reply.error.message, showCancel: false })
    await reload()
    Taro.showToast({ title: '住址已保存', icon: 'success' })
    setTimeout(() => Taro.navigateBack().catch(() => Taro.redirectTo({ url: routes.noticesList })), 800)
  }

  return (
    <PageContainer>
      <Section title='我的住址' subtitle={current || '尚未设置'}>
        <Text className='np__note'>设置后，可以收到本社区、本小区和本楼栋的通知。</Text>
        <Text className='np__label'>1. 选择社区</Text>
        <Chips options={communities.map((c) => ({ value: c.id, label: c.name }))} selected={[community]} onToggle={setCommunity} />
        {community ? (
          <>
            <Text className='np__label'>2. 选择小区</Text>
            <Chips options={grids.map((g) => ({ value: g.id, label: g.name }))} selected={[grid]} onToggle={setGrid} />
          </>
        ) : null}
        {grid ? (
          <>
            <Text className='np__label'>3. 选择楼栋</Text>
            <Chips options={buildings.map((b) => ({ value: b.id, label: b.name }))} selected={[building]} onToggle={setBuilding} />
          </>
        ) : null}
      </Section>
      <View className='np__actions'>
        <BigButton loading={busy} disabled={!building} onClick={() => void save()}>
          保存住址
        </BigButton>
      </View>
    </PageContainer>
  )
}
