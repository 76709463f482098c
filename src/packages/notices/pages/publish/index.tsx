import { useEffect, useMemo, useState } from 'react'
import { Input, Picker, Switch, Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import {
  NOTICE_CATEGORIES,
  NOTICE_CATEGORY_LABELS,
  NOTICE_LIMITS,
  type NoticeCategory,
  type NoticeDetail,
  type NoticesPublishInput,
  type PlaceOption,
  type UploadResult
} from '@contracts/notices'
import type { ReplyError } from '@contracts/reply'
import {
  AttachmentList,
  Chips,
  chooseAndUpload,
  nodesToMarkup,
  localDate,
  localTime,
  markupToHtml,
  markupToNodes,
  NoticeBody,
  noticesApi,
  wallClock
} from '@/features/notices'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { routes, urlOf } from '@/services/routes'
import '../notices.scss'

type Mode = 'district' | 'community' | 'grid' | 'building'
type Attached = Pick<UploadResult, 'fileID' | 'name' | 'contentType' | 'size' | 'url'>

const CATEGORY_OPTIONS = NOTICE_CATEGORIES.map((c) => ({ value: c, label: NOTICE_CATEGORY_LABELS[c] }))
const ROLE_OPTIONS = [
  { value: 'all', label: '全体居民' },
  { value: 'member', label: '仅在职党员' }
] as const

const TOOLS: { label: string; insert: string }[] = [
  { label: '大标题', insert: '\n# 标题\n' },
  { label: '小标题', insert: '\n## 小标题\n' },
  { label: '列表', insert: '\n- 第一项\n- 第二项\n' },
  { label: '编号', insert: '\n1. 第一条\n2. 第二条\n' },
  { label: '加粗', insert: '**重点内容**' },
  { label: '引用', insert: '\n> 温馨提示\n' },
  { label: '链接', insert: '[链接文字](https://)' }
]

const imgSources = (html: string) => [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'))
const nodeSources = (nodes: NoticeDetail['bodyNodes']): string[] =>
  nodes.flatMap((n) => [...(n.name === 'img' && n.attrs?.src ? [n.attrs.src] : []), ...nodeSources(n.children ?? [])])

/** 发布通知 / 修改通知 (?id=): title, category, formatted body, attachments, audience, time, pin, push. */
export default function PublishNoticePage() {
  const editId = useRouter().params.id
  const hasPersona = useRequirePersona(editId ? urlOf('noticesPublish', { id: editId }) : routes.noticesPublish)
  const { me } = useMe()
  const admin = hasRole(me, 'district_admin')

  const [loaded, setLoaded] = useState<NoticeDetail | null>(null)
  const [loadError, setLoadError] = useState<ReplyError>()
  const [title, setTitle] = useState('')
  const [category, setCategory] = useState<NoticeCategory>('community')
  const [text, setText] = useState('')
  const [preview, setPreview] = useState(false)
  const [attachments, setAttachments] = useState<Attached[]>([])
  const [images, setImages] = useState<Record<string, string>>({})
  const [mode, setMode] = useState<Mode>('community')
  const [memberOnly, setMemberOnly] = useState(false)
  const [communities, setCommunities] = useState<PlaceOption[]>([])
  const [communityIds, setCommunityIds] = useState<string[]>([])
  const [community, setCommunity] = useState<string>('')
  const [grids, setGrids] = useState<PlaceOption[]>([])
  const [gridIds, setGridIds] = useState<string[]>([])
  const [grid, setGrid] = useState('')
  const [buildings, setBuildings] = useState<PlaceOption[]>([])
  const [buildingIds, setBuildingIds] = useState<Record<string, string>>({})
  const [later, setLater] = useState(false)
  const [date, setDate] = useState('')
  const [time, setTime] = useState('09:00')
  const [expiry, setExpiry] = useState('')
  const [pinned, setPinned] = useState(false)
  const [important, setImportant] = useState(false)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)

  // Communities the caller may publish to (all for the district admin).
  useEffect(() => {
    if (!me) return
    void noticesApi.places().then((reply) => {
      if (!reply.ok) return
      const mine = admin ? reply.data.items : reply.data.items.filter((c) => me.scopes.communityIds.includes(c.id))
      setCommunities(mine)
      if (!editId && mine.length && !admin) {
        setCommunityIds([mine[0].id])
        setCommunity(mine[0].id)
      }
      if (!editId && admin) setMode('district')
    })
  }, [me, admin, editId])

  useEffect(() => {
    if (!community) return
    void noticesApi.places({ communityId: community }).then((reply) => reply.ok && setGrids(reply.data.items))
  }, [community])
  useEffect(() => {
    if (!grid) return
    void noticesApi.places({ gridId: grid }).then((reply) => {
      if (!reply.ok) return
      setBuildings(reply.data.items)
      // Name the buildings of a loaded notice once their compound's list is known.
      const gridName = grids.find((g) => g.id === grid)?.name ?? ''
      setBuildingIds((m) => {
        const next = { ...m }
        for (const b of reply.data.items) if (next[b.id] === b.id) next[b.id] = `${gridName}${b.name}`
        return next
      })
    })
  }, [grid, grids])

  // Editing: fill the form from the notice.
  useEffect(() => {
    if (!editId || !hasPersona) return
    void noticesApi.get({ noticeId: editId }).then(async (reply) => {
      if (!reply.ok) return setLoadError(reply.error)
      const n = reply.data
      if (!n.canEdit) return setLoadError({ code: 'FORBIDDEN', message: '只有发布单位可以修改这条通知' })
      setLoaded(n)
      setTitle(n.title)
      setCategory(n.category)
      const ids = imgSources(n.body)
      setText(nodesToMarkup(n.bodyNodes, ids))
      const urls = nodeSources(n.bodyNodes)
      setImages(Object.fromEntries(ids.map((fid, i) => [fid, urls[i] ?? ''])))
      setAttachments(n.attachments)
      setPinned(n.pinned)
      setImportant(n.important)
      if (n.expiresAt) setExpiry(localDate(n.expiresAt))
      if (n.status === 'scheduled') {
        setLater(true)
        setDate(localDate(n.publishAt))
        setTime(localTime(n.publishAt))
      }
      const a = n.audience
      if (!a) return
      setMemberOnly(a.roles.includes('member'))
      if (a.district) setMode('district')
      else if (a.buildingIds.length) {
        setMode('building')
        const names: Record<string, string> = {}
        for (const id of a.buildingIds) names[id] = id
        setBuildingIds(names)
      } else if (a.gridIds.length) {
        setMode('grid')
        setGridIds(a.gridIds)
      } else setMode('community')
      setCommunityIds(a.communityIds)
      const firstCommunity = a.communityIds[0] ?? /^(c\d+)/.exec(a.gridIds[0] ?? a.buildingIds[0] ?? '')?.[1] ?? ''
      if (firstCommunity) setCommunity(firstCommunity)
      const firstGrid = /^(c\d+g\d+)/.exec(a.buildingIds[0] ?? '')?.[1]
      if (firstGrid) setGrid(firstGrid)
    })
  }, [editId, hasPersona])

  const previewNodes = useMemo(() => (preview ? markupToNodes(text, (src) => images[src] ?? src) : []), [preview, text, images])

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (loadError) return <PageContainer><ErrorState error={loadError} /></PageContainer>
  if (!me || (editId && !loaded)) return <PageContainer><LoadingState /></PageContainer>
  if (!hasRole(me, 'staff') && !admin) return <PageContainer><ErrorState error={{ message: '仅社区工作者和区级管理员可以发布通知' }} /></PageContainer>

  const upload = async (kind: 'image' | 'pdf', intoBody: boolean) => {
    const reply = await chooseAndUpload(kind, me.openid)
    if (!reply) return
    if (!reply.ok) {
      Taro.showToast({ title: reply.error.message, icon: 'none', duration: 2500 })
      return
    }
    const file = reply.data
    if (intoBody) {
      setImages((m) => ({ ...m, [file.fileID]: file.url }))
      setText((t) => `${t}${t && !t.endsWith('\n') ? '\n' : ''}![图片](${file.fileID})\n`)
    } else setAttachments((list) => [...list, file])
  }

  const audience = (): NoticesPublishInput['audience'] => {
    const roles = memberOnly ? (['member'] as const) : []
    if (mode === 'district') return { district: true, roles: [...roles] }
    if (mode === 'community') return { communityIds, roles: [...roles] }
    if (mode === 'grid') return { gridIds, roles: [...roles] }
    return { buildingIds: Object.keys(buildingIds), roles: [...roles] }
  }

  const submit = async () => {
    const found: Record<string, string> = {}
    if (title.trim().length < 2) found.title = '请填写标题（至少2个字）'
    if (!text.trim()) found.body = '请填写正文'
    const a = audience() as { communityIds?: string[]; gridIds?: string[]; buildingIds?: string[]; district?: boolean }
    if (!a.district && !(a.communityIds?.length || a.gridIds?.length || a.buildingIds?.length)) found.audience = '请选择通知对象'
    if (later && !date) found.publishAt = '请选择发布日期'
    setErrors(found)
    if (Object.keys(found).length) {
      Taro.showToast({ title: Object.values(found)[0], icon: 'none' })
      return
    }
    const publishAt = later ? wallClock(date, time) : undefined
    const expiresAt = expiry ? wallClock(expiry, '23:59') : undefined
    const files = attachments.map(({ fileID, name, contentType, size }) => ({ fileID, name, contentType, size }))
    setBusy(true)
    const reply = loaded
      ? await noticesApi.update({
          noticeId: loaded.noticeId,
          title: title.trim(),
          category,
          body: markupToHtml(text),
          audience: audience(),
          ...(loaded.status === 'scheduled' ? { publishAt: publishAt ?? new Date().toISOString() } : {}),
          expiresAt: expiresAt ?? null,
          attachments: files,
          pinned,
          important
        })
      : await noticesApi.publish({ title: title.trim(), category, body: markupToHtml(text), audience: audience(), publishAt, expiresAt, attachments: files, pinned, important })
    setBusy(false)
    if (!reply.ok) {
      const field = reply.error.fields?.[0]?.split('.')[0] ?? ''
      if (field) setErrors({ [field]: reply.error.message })
      Taro.showModal({ title: loaded ? '保存失败' : '发布失败', content: reply.error.message, showCancel: false })
      return
    }
    Taro.showToast({ title: loaded ? '已保存' : later ? '已定时发布' : '已发布', icon: 'success' })
    setTimeout(() => Taro.redirectTo({ url: urlOf('noticesDetail', { id: reply.data.noticeId }) }), 600)
  }

  const modes: { value: Mode; label: string }[] = [
    ...(admin ? [{ value: 'district' as Mode, label: '全区' }] : []),
    { value: 'community', label: '整个社区' },
    { value: 'grid', label: '指定小区' },
    { value: 'building', label: '指定楼栋' }
  ]
  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id])
  const err = (field: string) => (errors[field] ? <Text className='np__error'>{errors[field]}</Text> : null)

  return (
    <PageContainer>
      <Section title={loaded ? '修改通知' : '通知内容'}>
        <View className='np__field'>
          <Text className='np__label'>标题</Text>
          <Input className='np__input' value={title} maxlength={NOTICE_LIMITS.titleMax} placeholder='例如：关于开展《物业管理条例》宣讲的通知' onInput={(e) => setTitle(e.detail.value)} />
          {err('title')}
        </View>
        <View className='np__field'>
          <Text className='np__label'>类别</Text>
          <Chips options={CATEGORY_OPTIONS} selected={[category]} onToggle={setCategory} />
        </View>
        <View className='np__field'>
          <Text className='np__label'>正文</Text>
          <View className='np__tools'>
            {TOOLS.map((t) => (
              <View key={t.label} className='np__tool' onClick={() => setText((v) => v + t.insert)}>
                {t.label}
              </View>
            ))}
            <View className='np__tool' onClick={() => void upload('image', true)}>插图片</View>
            <View className='np__tool' onClick={() => setPreview((p) => !p)}>{preview ? '继续编辑' : '预览'}</View>
          </View>
          {preview ? (
            <View className='np__preview'>{previewNodes.length ? <NoticeBody nodes={previewNodes} /> : <Text className='np__note'>（正文为空）</Text>}</View>
          ) : (
            <Textarea
              className='np__textarea'
              value={text}
              maxlength={NOTICE_LIMITS.bodyTextMax}
              autoHeight
              placeholder={'直接输入正文，空一行分段。\n用上方按钮加标题、列表、加粗、链接和图片。'}
              onInput={(e) => setText(e.detail.value)}
            />
          )}
          {err('body')}
        </View>
        <View className='np__field'>
          <Text className='np__label'>附件（图片或PDF，单个不超过10MB）</Text>
          <AttachmentList attachments={attachments.map((a) => ({ ...a, kind: a.contentType === 'application/pdf' ? 'pdf' : 'image' }))} onRemove={(fileID) => setAttachments((list) => list.filter((a) => a.fileID !== fileID))} />
          {attachments.length < NOTICE_LIMITS.attachments ? (
            <View className='np__tools'>
              <View className='np__tool' onClick={() => void upload('image', false)}>添加图片</View>
              <View className='np__tool' onClick={() => void upload('pdf', false)}>添加PDF</View>
            </View>
          ) : null}
          {err('attachments')}
        </View>
      </Section>

      <Section title='通知对象'>
        <Chips options={modes} selected={[mode]} onToggle={setMode} />
        {mode === 'community' ? (
          <View className='np__sub'>
            {communities.length > 1 ? <Chips options={communities.map((c) => ({ value: c.id, label: c.name }))} selected={communityIds} onToggle={(id) => setCommunityIds((l) => toggle(l, id))} /> : <Text className='np__note'>{communities[0]?.name ?? ''}的全体居民</Text>}
          </View>
        ) : null}
        {mode === 'grid' || mode === 'building' ? (
          <View className='np__sub'>
            {communities.length > 1 ? (
              <>
                <Text className='np__note'>选择社区</Text>
                <Chips options={communities.map((c) => ({ value: c.id, label: c.name }))} selected={[community]} onToggle={setCommunity} />
              </>
            ) : null}
            <Text className='np__note'>{mode === 'grid' ? '选择小区（可多选）' : '选择小区'}</Text>
            {mode === 'grid' ? (
              <Chips options={grids.map((g) => ({ value: g.id, label: g.name }))} selected={gridIds} onToggle={(id) => setGridIds((l) => toggle(l, id))} />
            ) : (
              <Chips options={grids.map((g) => ({ value: g.id, label: g.name }))} selected={[grid]} onToggle={setGrid} />
            )}
            {mode === 'building' && grid ? (
              <>
                <Text className='np__note'>选择楼栋（可多选）</Text>
                <Chips
                  options={buildings.map((b) => ({ value: b.id, label: b.name }))}
                  selected={Object.keys(buildingIds)}
                  onToggle={(id) =>
                    setBuildingIds((m) => {
                      const next = { ...m }
                      if (next[id]) delete next[id]
                      else next[id] = `${grids.find((g) => g.id === grid)?.name ?? ''}${buildings.find((b) => b.id === id)?.name ?? ''}`
                      return next
                    })
                  }
                />
              </>
            ) : null}
            {mode === 'building' && Object.keys(buildingIds).length ? <Text className='np__note'>已选 {Object.keys(buildingIds).length} 栋：{Object.values(buildingIds).join('、')}</Text> : null}
          </View>
        ) : null}
        <Text className='np__note'>谁能看到</Text>
        <Chips options={[...ROLE_OPTIONS]} selected={[memberOnly ? 'member' : 'all']} onToggle={(v) => setMemberOnly(v === 'member')} />
        {err('audience')}
      </Section>

      <Section title='发布设置'>
        {!loaded || loaded.status === 'scheduled' ? (
          <>
            <Chips
              options={[
                { value: 'now', label: '立即发布' },
                { value: 'later', label: '定时发布' }
              ]}
              selected={[later ? 'later' : 'now']}
              onToggle={(v) => setLater(v === 'later')}
            />
            {later ? (
              <View className='np__pickers'>
                <Picker className='np__pickers-item' mode='date' value={date} start={localDate(new Date().toISOString())} onChange={(e) => setDate(e.detail.value)}>
                  <View className='np__picker'>{date || '选择日期'}</View>
                </Picker>
                <Picker className='np__pickers-item' mode='time' value={time} onChange={(e) => setTime(e.detail.value)}>
                  <View className='np__picker'>{time}</View>
                </Picker>
              </View>
            ) : null}
            {err('publishAt')}
          </>
        ) : null}
        <Text className='np__note'>有效期至（到期后不再显示，可不填）</Text>
        <View className='np__pickers'>
          <Picker className='np__pickers-item' mode='date' value={expiry} start={localDate(new Date().toISOString())} onChange={(e) => setExpiry(e.detail.value)}>
            <View className='np__picker'>{expiry || '长期有效'}</View>
          </Picker>
          {expiry ? (
            <View className='np__picker np__pickers-item' style={{ flex: '0 0 auto', color: '#c8161d' }} onClick={() => setExpiry('')}>
              清除
            </View>
          ) : null}
        </View>
        {err('expiresAt')}
        <View className='np__switch-row'>
          <View className='np__switch-text'>
            <Text className='np__label' style={{ margin: 0 }}>置顶</Text>
            <Text className='np__note'>显示在通知列表最上方</Text>
          </View>
          <Switch checked={pinned} color='#c8161d' onChange={(e) => setPinned(e.detail.value)} />
        </View>
        <View className='np__switch-row'>
          <View className='np__switch-text'>
            <Text className='np__label' style={{ margin: 0 }}>重要通知</Text>
            <Text className='np__note'>发布时给订阅了提醒的居民发送微信消息</Text>
          </View>
          <Switch checked={important} color='#c8161d' onChange={(e) => setImportant(e.detail.value)} />
        </View>
      </Section>

      <View className='np__actions'>
        <BigButton loading={busy} onClick={() => void submit()}>
          {loaded ? '保存修改' : later ? '定时发布' : '立即发布'}
        </BigButton>
      </View>
    </PageContainer>
  )
}
