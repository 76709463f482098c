import { useEffect, useState, type ReactNode } from 'react'
import { Input, Picker, Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { ACTIVITY_CATEGORIES, type ActivityCategory, type ActivityKind, type Audience } from '@contracts/activities'
import { activitiesApi, addDays, centersLookup, Chips, currentLocation, teamsApi, wallDay, wallDateTime } from '@/features/volunteer'
import { centersApi } from '@/features/centers'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { urlOf } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'

interface Form {
  kind: ActivityKind
  title: string
  category: ActivityCategory
  description: string
  day: string
  startTime: string
  endTime: string
  deadlineDay: string
  deadlineTime: string
  placeName: string
  address: string
  coordinates?: { latitude: number; longitude: number }
  radius: number
  capacity: string
  audience: Audience
  teamId: string
  centerId: string
  /** The centre's room an event takes (its hours can then not be booked). */
  roomId: string
}

const RADII = [100, 200, 300, 500, 1000]
const toast = (title: string) => void Taro.showToast({ title, icon: 'none', duration: 2500 })

function blank(kind: ActivityKind, centerId: string): Form {
  const tomorrow = addDays(wallDay(Date.now()), 1)
  return {
    kind,
    title: '',
    category: kind === 'event' ? '其他' : '文明创建',
    description: '',
    day: tomorrow,
    startTime: kind === 'event' ? '19:00' : '09:00',
    endTime: kind === 'event' ? '21:00' : '11:00',
    deadlineDay: wallDay(Date.now()),
    deadlineTime: '18:00',
    placeName: '',
    address: '',
    radius: 300,
    capacity: kind === 'event' ? '40' : '20',
    audience: 'all',
    teamId: '',
    centerId,
    roomId: ''
  }
}

/** 发布活动 / 修改活动: the organiser's form. */
export default function EditActivityPage() {
  const params = useRouter().params
  const id = params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('volunteerEdit', { id: id || undefined, kind: params.kind, centerId: params.centerId }))
  const { me } = useMe({ enabled: hasPersona })
  const [form, setForm] = useState<Form>(() => blank(params.kind === 'event' || params.centerId ? 'event' : 'volunteer', params.centerId ?? ''))
  const [loaded, setLoaded] = useState(!id)
  const [loadError, setLoadError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const [teams, setTeams] = useState<{ id: string; name: string }[]>([])
  const [centers, setCenters] = useState<{ id: string; name: string; address: string }[]>([])
  const [rooms, setRooms] = useState<{ id: string; name: string; capacity: number }[]>([])
  const communityId = me?.scopes.communityIds[0]
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }))

  useEffect(() => {
    if (!id || !hasPersona) return
    void activitiesApi.get({ activityId: id }).then((reply) => {
      if (!reply.ok) return setLoadError(reply.error.message)
      const a = reply.data
      const start = wallDateTime(a.start)
      const deadline = wallDateTime(a.signUpDeadline)
      setForm({
        kind: a.kind,
        title: a.title,
        category: a.category,
        description: a.description,
        day: start.slice(0, 10),
        startTime: start.slice(11),
        endTime: wallDateTime(a.end).slice(11),
        deadlineDay: deadline.slice(0, 10),
        deadlineTime: deadline.slice(11),
        placeName: a.place.name,
        address: a.place.address ?? '',
        coordinates: a.place.coordinates,
        radius: a.place.radius ?? 300,
        capacity: String(a.capacity),
        audience: a.audience,
        teamId: a.teamId ?? '',
        centerId: a.centerId ?? '',
        roomId: a.roomId ?? ''
      })
      setLoaded(true)
    })
  }, [id, hasPersona])

  useEffect(() => {
    if (!communityId) return
    void teamsApi.list({ communityId, pageSize: 100 }).then((r) => r.ok && setTeams(r.data.items.map((t) => ({ id: t._id, name: t.name }))))
    void centersLookup.list(communityId).then((r) => r.ok && setCenters(r.data.items.map((c) => ({ id: c.id, name: c.name, address: c.address }))))
  }, [communityId])

  // The chosen centre's rooms (switched-on ones), for the event's room.
  useEffect(() => {
    setRooms([])
    if (!form.centerId || !hasPersona) return
    void centersApi.get({ centerId: form.centerId }).then((r) => r.ok && setRooms(r.data.rooms.filter((x) => x.active).map((x) => ({ id: x.id, name: x.name, capacity: x.capacity }))))
  }, [form.centerId, hasPersona])

  if (!hasPersona || !me) return <PageContainer><LoadingState /></PageContainer>
  if (!hasRole(me, 'staff') && !hasRole(me, 'district_admin')) return <PageContainer><ErrorState error={{ message: '仅社区工作人员可发布活动' }} /></PageContainer>
  if (loadError) return <PageContainer><ErrorState error={{ message: loadError }} /></PageContainer>
  if (!loaded) return <PageContainer><LoadingState /></PageContainer>

  const locate = async () => {
    const here = await currentLocation()
    if (!here) return toast('无法获取位置，请允许定位后重试')
    set({ coordinates: { latitude: here.latitude, longitude: here.longitude } })
    toast('已设置为当前位置')
  }

  const submit = async () => {
    const capacity = Number(form.capacity)
    if (!form.title.trim()) return setError('请填写活动名称')
    if (!form.placeName.trim() && !form.centerId) return setError('请填写活动地点')
    if (form.kind === 'event' && form.centerId && !form.roomId) return setError('请选择活动室')
    if (!Number.isInteger(capacity) || capacity < 1) return setError('名额须为正整数')
    const center = centers.find((c) => c.id === form.centerId)
    const room = rooms.find((r) => r.id === form.roomId)
    const place = {
      name: form.placeName.trim() || (center && room ? `${center.name}${room.name}` : center?.name) || '',
      ...(form.address.trim() || center?.address ? { address: form.address.trim() || center?.address } : {}),
      ...(form.coordinates ? { coordinates: form.coordinates, radius: form.radius } : {})
    }
    const fields = {
      title: form.title.trim(),
      category: form.category,
      description: form.description.trim(),
      start: `${form.day} ${form.startTime}`,
      end: `${form.day} ${form.endTime}`,
      signUpDeadline: `${form.deadlineDay} ${form.deadlineTime}`,
      place,
      capacity,
      audience: form.audience
    }
    setBusy(true)
    setError(undefined)
    const reply = id
      ? await activitiesApi.update({ activityId: id, ...fields, teamId: form.teamId || null, ...(form.centerId && form.roomId ? { roomId: form.roomId } : {}) })
      : await activitiesApi.create({
          kind: form.kind,
          ...fields,
          ...(form.teamId ? { teamId: form.teamId } : {}),
          ...(form.centerId ? { centerId: form.centerId, ...(form.roomId ? { roomId: form.roomId } : {}) } : {})
        })
    setBusy(false)
    if (!reply.ok) return setError(reply.error.message)
    toast(id ? '已保存，已通知报名者' : '发布成功')
    Taro.redirectTo({ url: urlOf('volunteerDetail', { id: reply.data._id }) }).catch(() => {})
  }

  const categoryIndex = ACTIVITY_CATEGORIES.indexOf(form.category)
  const teamOptions = [{ id: '', name: '不指派队伍' }, ...teams]
  const centerOptions = [{ id: '', name: '不在邻里中心', address: '' }, ...centers]
  return (
    <PageContainer>
      {!id ? (
        <Chips
          options={[
            { value: 'volunteer' as ActivityKind, label: '志愿服务（计时长）' },
            { value: 'event' as ActivityKind, label: '邻里活动（不计时长）' }
          ]}
          value={form.kind}
          onChange={(kind) => set({ kind })}
        />
      ) : null}
      <Section title='活动信息'>
        <Field label='活动名称'>
          <Input className='vt-field__input' value={form.title} maxlength={40} placeholder='例如：楼道杂物清理' onInput={(e) => set({ title: e.detail.value })} />
        </Field>
        <Field label='服务类别'>
          <Picker mode='selector' range={[...ACTIVITY_CATEGORIES]} value={categoryIndex} onChange={(e) => set({ category: ACTIVITY_CATEGORIES[Number(e.detail.value)] })}>
            <View className='vt-field__picker'>{form.category}</View>
          </Picker>
        </Field>
        <Field label='活动介绍'>
          <Textarea className='vt-field__textarea' value={form.description} maxlength={2000} placeholder='做什么、需要带什么、注意事项' onInput={(e) => set({ description: e.detail.value })} />
        </Field>
      </Section>
      <Section title='时间'>
        <Field label='日期'>
          <Picker mode='date' value={form.day} onChange={(e) => set({ day: e.detail.value })}>
            <View className='vt-field__picker'>{form.day}</View>
          </Picker>
        </Field>
        <Field label='开始 — 结束'>
          <View className='vt-field__pair'>
            <Picker className='vt-field__pair-item' mode='time' value={form.startTime} onChange={(e) => set({ startTime: e.detail.value })}>
              <View className='vt-field__picker'>{form.startTime}</View>
            </Picker>
            <Picker className='vt-field__pair-item' mode='time' value={form.endTime} onChange={(e) => set({ endTime: e.detail.value })}>
              <View className='vt-field__picker'>{form.endTime}</View>
            </Picker>
          </View>
        </Field>
        <Field label='报名截止' hint='截止前可在线报名和取消报名'>
          <View className='vt-field__pair'>
            <Picker className='vt-field__pair-item' mode='date' value={form.deadlineDay} onChange={(e) => set({ deadlineDay: e.detail.value })}>
              <View className='vt-field__picker'>{form.deadlineDay}</View>
            </Picker>
            <Picker className='vt-field__pair-item' mode='time' value={form.deadlineTime} onChange={(e) => set({ deadlineTime: e.detail.value })}>
              <View className='vt-field__picker'>{form.deadlineTime}</View>
            </Picker>
          </View>
        </Field>
      </Section>
      <Section title='地点与名额'>
        {form.kind === 'event' && centers.length ? (
          <Field label='邻里中心'>
            <Picker mode='selector' range={centerOptions.map((c) => c.name)} value={Math.max(0, centerOptions.findIndex((c) => c.id === form.centerId))} onChange={(e) => set({ centerId: centerOptions[Number(e.detail.value)].id, roomId: '' })}>
              <View className='vt-field__picker'>{centerOptions.find((c) => c.id === form.centerId)?.name ?? '不在邻里中心'}</View>
            </Picker>
          </Field>
        ) : null}
        {form.kind === 'event' && form.centerId ? (
          <Field label='活动室' hint='活动时间内该活动室的时段由本活动占用，居民不能再预约；已被预约的时段不能安排活动'>
            {rooms.length ? (
              <Picker
                mode='selector'
                range={rooms.map((r) => `${r.name}（${r.capacity}人）`)}
                value={Math.max(0, rooms.findIndex((r) => r.id === form.roomId))}
                onChange={(e) => set({ roomId: rooms[Number(e.detail.value)].id })}
              >
                <View className='vt-field__picker'>{rooms.find((r) => r.id === form.roomId)?.name ?? '请选择活动室'}</View>
              </Picker>
            ) : (
              <View className='vt-field__picker'>该中心暂无可用活动室</View>
            )}
          </Field>
        ) : null}
        <Field label='地点名称'>
          <Input className='vt-field__input' value={form.placeName} maxlength={60} placeholder={form.centerId ? '例如：多功能活动室（可不填）' : '例如：锦绣花园3号楼'} onInput={(e) => set({ placeName: e.detail.value })} />
        </Field>
        <Field label='详细地址（选填）'>
          <Input className='vt-field__input' value={form.address} maxlength={120} placeholder='方便找到集合地点' onInput={(e) => set({ address: e.detail.value })} />
        </Field>
        <Field label='签到范围' hint={form.coordinates ? `已设置：只能在地点${form.radius}米范围内（另加定位误差）扫码签到` : '不设置则不限制签到位置'}>
          <View className='vt-field__pair'>
            <View className='vt-field__input vt-field__pair-item' onClick={() => void locate()}>
              {form.coordinates ? '重新定位' : '用当前位置'}
            </View>
            {form.coordinates ? (
              <Picker className='vt-field__pair-item' mode='selector' range={RADII.map((r) => `${r}米`)} value={Math.max(0, RADII.indexOf(form.radius))} onChange={(e) => set({ radius: RADII[Number(e.detail.value)] })}>
                <View className='vt-field__picker'>{form.radius}米</View>
              </Picker>
            ) : null}
            {form.coordinates ? (
              <View className='vt-field__input vt-field__pair-item' onClick={() => set({ coordinates: undefined })}>
                不限
              </View>
            ) : null}
          </View>
        </Field>
        <Field label='名额（人）'>
          <Input className='vt-field__input' type='number' value={form.capacity} onInput={(e) => set({ capacity: e.detail.value })} />
        </Field>
        <Field label='报名对象'>
          <Chips
            options={[
              { value: 'all' as Audience, label: '全体居民' },
              { value: 'members' as Audience, label: '仅限党员' }
            ]}
            value={form.audience}
            onChange={(audience) => set({ audience })}
          />
        </Field>
        {teams.length ? (
          <Field label='指派队伍（选填）'>
            <Picker mode='selector' range={teamOptions.map((t) => t.name)} value={Math.max(0, teamOptions.findIndex((t) => t.id === form.teamId))} onChange={(e) => set({ teamId: teamOptions[Number(e.detail.value)].id })}>
              <View className='vt-field__picker'>{teamOptions.find((t) => t.id === form.teamId)?.name ?? '不指派队伍'}</View>
            </Picker>
          </Field>
        ) : null}
      </Section>
      {error ? <Text className='vt-notice vt-notice--error'>{error}</Text> : null}
      <View className='vp__buttons'>
        <BigButton loading={busy} onClick={() => void submit()}>
          {id ? '保存修改' : '确认发布'}
        </BigButton>
      </View>
    </PageContainer>
  )
}

function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <View className='vt-field'>
      <Text className='vt-field__label'>{label}</Text>
      {children}
      {hint ? <Text className='vt-field__hint'>{hint}</Text> : null}
    </View>
  )
}
