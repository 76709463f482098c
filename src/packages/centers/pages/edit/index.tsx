import { useCallback, useEffect, useState } from 'react'
import { Input, Switch, Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { choosePhotos } from '@/components/photoPicker'
import {
  CENTER_PHOTO_LIMITS,
  CENTER_STATUS_LABELS,
  CENTER_STATUSES,
  WEEKDAY_LABELS,
  type CenterDetail,
  type CenterPhoto,
  type OpeningHours
} from '@contracts/centers'
import type { ReplyError } from '@contracts/reply'
import { centersApi, CenterStatusTag, Chips, currentLocation, PhotoEditor } from '@/features/centers'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { routes } from '@/services/routes'
import '@/features/centers/components/centers-pages.scss'

type DayHours = { open: boolean; from: string; to: string }
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/

function hoursState(hours: OpeningHours | undefined): Record<number, DayHours> {
  const out: Record<number, DayHours> = {}
  for (const d of WEEKDAYS) {
    const h = hours?.find((x) => x.weekday === d)
    // A new centre starts open Monday–Saturday 08:30–17:30 (the usual service hours); staff adjust.
    out[d] = h ? { open: true, from: h.open, to: h.close } : { open: !hours && d <= 6, from: '08:30', to: '17:30' }
  }
  return out
}

/**
 * 编辑邻里中心 (staff of the centre's community; district admin): name, compound, address,
 * coordinates, opening hours, phone, introduction, photos and the construction status. Without `id`
 * it creates a centre — the district admin's call (entering the plan books the 5,000 yuan subsidy).
 */
export default function CenterEditPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(id ? `${routes.centersEdit}?id=${id}` : routes.centersEdit)
  const { me } = useMe({ enabled: hasPersona })
  const [center, setCenter] = useState<CenterDetail>()
  const [error, setError] = useState<ReplyError>()
  const [ready, setReady] = useState(!id)
  const [communities, setCommunities] = useState<{ id: string; name: string }[]>([])
  const [grids, setGrids] = useState<{ id: string; name: string; address?: string }[]>([])
  const [communityId, setCommunityId] = useState('')
  const [gridId, setGridId] = useState('')
  const [name, setName] = useState('')
  const [address, setAddress] = useState('')
  const [lat, setLat] = useState('')
  const [lng, setLng] = useState('')
  const [phone, setPhone] = useState('')
  const [description, setDescription] = useState('')
  const [hours, setHours] = useState<Record<number, DayHours>>(hoursState(undefined))
  const [photos, setPhotos] = useState<CenterPhoto[]>([])
  const [adding, setAdding] = useState(false)
  const [busy, setBusy] = useState(false)

  const load = useCallback(async () => {
    const reply = await centersApi.get({ centerId: id })
    if (!reply.ok) return setError(reply.error)
    const c = reply.data
    setCenter(c)
    setCommunityId(c.communityId)
    setGridId(c.gridId ?? '')
    setName(c.name)
    setAddress(c.address)
    setLat(c.location ? String(c.location.latitude) : '')
    setLng(c.location ? String(c.location.longitude) : '')
    setPhone(c.phone ?? '')
    setDescription(c.description ?? '')
    setHours(hoursState(c.openingHours))
    setPhotos(c.photoFiles ?? [])
    setReady(true)
  }, [id])
  useEffect(() => {
    if (hasPersona && id) void load()
  }, [hasPersona, id, load])
  useEffect(() => {
    if (!hasPersona) return
    void centersApi.places().then((r) => {
      if (!r.ok) return
      setCommunities(r.data.communities)
      if (!id && r.data.communities[0]) setCommunityId((c) => c || r.data.communities[0].id)
    })
  }, [hasPersona, id])
  useEffect(() => {
    if (!hasPersona || !communityId) return
    void centersApi.places({ communityId }).then((r) => r.ok && setGrids(r.data.grids))
  }, [hasPersona, communityId])

  if (!hasPersona || !ready) return <PageContainer>{error ? <ErrorState error={error} onRetry={() => void load()} /> : <LoadingState />}</PageContainer>
  if (center && !center.canManage) return <PageContainer><ErrorState error={{ message: '仅本社区工作人员可编辑该中心' }} /></PageContainer>
  const admin = hasRole(me, 'district_admin')
  if (!id && me && !admin) return <PageContainer><ErrorState error={{ message: '新建邻里中心需由区级管理员列入建设计划' }} /></PageContainer>

  const addPhotos = async () => {
    if (!me) return
    setAdding(true)
    const reply = await choosePhotos({ max: CENTER_PHOTO_LIMITS.photos - photos.length, openid: me.openid, maxBytes: CENTER_PHOTO_LIMITS.uploadBytes, upload: (input) => centersApi.upload(input) })
    setAdding(false)
    if (!reply) return
    if (!reply.ok) return Taro.showToast({ title: reply.error.message, icon: 'none', duration: 3000 })
    setPhotos((list) => [...list, ...reply.data].slice(0, CENTER_PHOTO_LIMITS.photos))
  }
  const fillCurrentLocation = async () => {
    const here = await currentLocation()
    if (!here) return Taro.showToast({ title: '无法获取当前位置，请手动填写', icon: 'none' })
    setLat(here.latitude.toFixed(6))
    setLng(here.longitude.toFixed(6))
  }
  const setDay = (d: number, patch: Partial<DayHours>) => setHours((h) => ({ ...h, [d]: { ...h[d], ...patch } }))

  const save = async () => {
    if (name.trim().length < 2) return Taro.showToast({ title: '请填写中心名称', icon: 'none' })
    if (address.trim().length < 2) return Taro.showToast({ title: '请填写地址', icon: 'none' })
    const openingHours: OpeningHours = []
    for (const d of WEEKDAYS) {
      const h = hours[d]
      if (!h.open) continue
      if (!HHMM.test(h.from) || !HHMM.test(h.to) || h.from >= h.to) return Taro.showToast({ title: `${WEEKDAY_LABELS[d]}的开放时间不正确（如 08:30-17:30）`, icon: 'none', duration: 3000 })
      openingHours.push({ weekday: d, open: h.from, close: h.to })
    }
    let location: { latitude: number; longitude: number } | undefined
    if (lat.trim() || lng.trim()) {
      const latitude = Number(lat)
      const longitude = Number(lng)
      if (!lat.trim() || !lng.trim() || !Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
        return Taro.showToast({ title: '经纬度不正确，可留空', icon: 'none' })
      location = { latitude, longitude }
    }
    setBusy(true)
    const reply = await centersApi.saveCenter({
      centerId: id || undefined,
      name: name.trim(),
      communityId,
      gridId: gridId || undefined,
      address: address.trim(),
      location,
      openingHours,
      phone: phone.trim() || undefined,
      description: description.trim() || undefined,
      photos: photos.map((p) => p.fileID)
    })
    setBusy(false)
    if (!reply.ok) return Taro.showToast({ title: reply.error.message, icon: 'none', duration: 3000 })
    Taro.showToast({ title: id ? '已保存' : '已列入建设计划', icon: 'success' })
    // A new centre goes on to its manage page: rooms come next.
    if (!id) return void Taro.redirectTo({ url: `${routes.centersManage}?id=${reply.data.id}` })
    setCenter(reply.data)
    setPhotos(reply.data.photoFiles ?? photos)
  }

  const index = center ? CENTER_STATUSES.indexOf(center.status) : -1
  const next = center ? CENTER_STATUSES[index + 1] : undefined
  const advance = async () => {
    if (!center || !next) return
    const res = await Taro.showModal({ title: '更新建设状态', content: `将"${center.name}"更新为"${CENTER_STATUS_LABELS[next]}"？${next === 'accepted' ? '验收合格将自动记入5000元奖励。' : ''}` })
    if (!res.confirm) return
    const reply = await centersApi.setStatus({ centerId: center.id, status: next })
    if (!reply.ok) return Taro.showToast({ title: reply.error.message, icon: 'none', duration: 3000 })
    setCenter(reply.data)
    Taro.showToast({ title: '已更新', icon: 'success' })
  }

  return (
    <PageContainer>
      {center ? (
        <Section title='建设状态'>
          <View className='ct-row ct-row--wrap'>
            <CenterStatusTag status={center.status} />
          </View>
          {next && (next !== 'accepted' || admin) ? (
            <View className='ct-gap-top'>
              <BigButton fill='outline' onClick={() => void advance()}>更新为"{CENTER_STATUS_LABELS[next]}"</BigButton>
            </View>
          ) : next === 'accepted' ? (
            <Text className='ct-line ct-line--muted'>建成后由区级管理员组织验收</Text>
          ) : null}
        </Section>
      ) : (
        <Section title='新建邻里中心' subtitle='列入建设计划'>
          <Text className='ct-line ct-line--muted'>保存后状态为"计划建设"，并自动记入5000元建设补助。</Text>
        </Section>
      )}

      <Section title='基本信息'>
        <Text className='ct-form__label'>中心名称</Text>
        <Input className='ct-form__input' value={name} maxlength={40} placeholder='例如：东风社区党建+邻里中心' onInput={(e) => setName(e.detail.value)} />
        {!id || admin ? (
          <>
            <Text className='ct-form__label'>所属社区</Text>
            <Chips
              options={communities.map((c) => ({ value: c.id, label: c.name }))}
              value={communityId}
              onChange={(v) => {
                setCommunityId(v)
                setGridId('')
              }}
            />
          </>
        ) : null}
        <Text className='ct-form__label'>所在小区</Text>
        <Chips options={[{ value: '', label: '不限小区' }, ...grids.map((g) => ({ value: g.id, label: g.name }))]} value={gridId} onChange={setGridId} />
        <Text className='ct-form__label'>地址</Text>
        <Input className='ct-form__input' value={address} maxlength={100} placeholder='街道门牌号' onInput={(e) => setAddress(e.detail.value)} />
        <Text className='ct-form__label'>位置坐标（可选，用于导航和“离我最近”）</Text>
        <View className='ct-row'>
          <Input className='ct-form__input' type='digit' value={lat} placeholder='纬度，如 31.8206' onInput={(e) => setLat(e.detail.value)} />
        </View>
        <View className='ct-row ct-gap-top'>
          <Input className='ct-form__input' type='digit' value={lng} placeholder='经度，如 117.2272' onInput={(e) => setLng(e.detail.value)} />
        </View>
        <View className='ct-actions'>
          <View className='ct-btn ct-btn--light' onClick={() => void fillCurrentLocation()}>使用当前位置</View>
          {lat || lng ? <View className='ct-btn ct-btn--grey' onClick={() => { setLat(''); setLng('') }}>清除坐标</View> : null}
        </View>
        <Text className='ct-form__label'>联系电话</Text>
        <Input className='ct-form__input' type='text' value={phone} maxlength={20} placeholder='例如：0551-61234567' onInput={(e) => setPhone(e.detail.value)} />
        <Text className='ct-form__label'>中心介绍</Text>
        <Textarea className='ct-form__textarea' value={description} maxlength={500} placeholder='服务内容、特色活动等' onInput={(e) => setDescription(e.detail.value)} />
      </Section>

      <Section title='开放时间'>
        {WEEKDAYS.map((d) => (
          <View key={d} className='ct-hours'>
            <Text className='ct-hours__day'>{WEEKDAY_LABELS[d]}</Text>
            <Switch checked={hours[d].open} color='#c8161d' onChange={(e) => setDay(d, { open: e.detail.value })} />
            {hours[d].open ? (
              <>
                <Input className='ct-form__input ct-hours__time' value={hours[d].from} maxlength={5} placeholder='08:30' onInput={(e) => setDay(d, { from: e.detail.value })} />
                <Input className='ct-form__input ct-hours__time' value={hours[d].to} maxlength={5} placeholder='17:30' onInput={(e) => setDay(d, { to: e.detail.value })} />
              </>
            ) : (
              <Text className='ct-line ct-line--muted ct-hours__time'>不开放</Text>
            )}
          </View>
        ))}
      </Section>

      <Section title='照片' subtitle={`最多${CENTER_PHOTO_LIMITS.photos}张`}>
        <PhotoEditor photos={photos} max={CENTER_PHOTO_LIMITS.photos} adding={adding} onAdd={() => void addPhotos()} onRemove={(i) => setPhotos((list) => list.filter((_, k) => k !== i))} />
      </Section>

      <View className='ct-gap-top'>
        <BigButton loading={busy} onClick={() => void save()}>{id ? '保存' : '列入建设计划'}</BigButton>
      </View>
    </PageContainer>
  )
}
