import { useMemo, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { BigButton, Section } from '@/components'
import { registerInput, SERVICE_KIND_LABELS, SERVICE_KINDS, SKILL_OPTIONS, type RegisterInput, type SceneOutput, type ServiceKind } from '@contracts/members'
import type { ReplyError } from '@contracts/reply'
import { ChoiceChips } from './Chips'
import { Field } from './Field'

export interface RegisterFormValues {
  name: string
  mobile: string
  workUnit: string
  partyOrg: string
  gridId: string
  buildingId: string
  unit: string
  room: string
  skills: string[]
  services: ServiceKind[]
}

export interface RegisterFormProps {
  community: SceneOutput
  initial?: Partial<RegisterFormValues>
  submitLabel: string
  /** Submits; resolves the server's error (shown on the fields it names) or null on success. */
  onSubmit: (input: RegisterInput) => Promise<ReplyError | null>
  /** Called first thing in the submit tap (WeChat's subscription prompt must be there). */
  onBeforeSubmit?: () => void
}

type FieldKey = keyof RegisterFormValues | 'consent' | 'scene'

/** Chinese messages for fields whose schema message is not one (ids and enums). */
const FALLBACK: Partial<Record<FieldKey, string>> = {
  gridId: '请选择居住的小区',
  buildingId: '请选择楼栋',
  mobile: '请输入正确的手机号',
  services: '请重新选择服务意愿',
  skills: '技能特长填写有误',
  consent: '请阅读并同意个人信息处理规则',
  scene: '报到码无效，请重新扫码'
}

const hasChinese = (text: string) => /[\u4e00-\u9fa5]/.test(text)

/**
 * The registration form: who (name, mobile), where they work and which party organisation they
 * belong to, where they live (compound → building → unit → room, all chosen by tapping), what they
 * can and want to do, and the explicit consent. Errors are shown on the field, in Chinese.
 */
export function RegisterForm({ community, initial, submitLabel, onSubmit, onBeforeSubmit }: RegisterFormProps) {
  const [values, setValues] = useState<RegisterFormValues>(() => {
    const knownSkills = new Set<string>(SKILL_OPTIONS)
    return {
      name: initial?.name ?? '',
      mobile: initial?.mobile ?? '',
      workUnit: initial?.workUnit ?? '',
      partyOrg: initial?.partyOrg ?? '',
      gridId: initial?.gridId && community.grids.some((g) => g.id === initial.gridId) ? initial.gridId : '',
      buildingId: initial?.buildingId ?? '',
      unit: initial?.unit ?? '',
      room: initial?.room ?? '',
      skills: (initial?.skills ?? []).filter((s) => knownSkills.has(s)),
      services: initial?.services ?? []
    }
  })
  const [otherSkills, setOtherSkills] = useState(() => (initial?.skills ?? []).filter((s) => !(SKILL_OPTIONS as readonly string[]).includes(s)).join('、'))
  const [consent, setConsent] = useState(false)
  const [showRules, setShowRules] = useState(false)
  const [errors, setErrors] = useState<Partial<Record<FieldKey, string>>>({})
  const [problem, setProblem] = useState('')
  const [busy, setBusy] = useState(false)

  const grid = community.grids.find((g) => g.id === values.gridId)
  const building = grid?.buildings.find((b) => b.id === values.buildingId)
  const set = (patch: Partial<RegisterFormValues>) => {
    setValues((v) => ({ ...v, ...patch }))
    setProblem('')
    setErrors((e) => {
      const next = { ...e }
      for (const key of Object.keys(patch) as FieldKey[]) delete next[key]
      return next
    })
  }

  const gridOptions = useMemo(() => community.grids.map((g) => ({ value: g.id, label: g.name })), [community])
  const unitOptions = building ? Array.from({ length: building.units }, (_, i) => ({ value: String(i + 1), label: `${i + 1}单元` })) : []

  const submit = async () => {
    onBeforeSubmit?.()
    const extra = otherSkills.split(/[,，、;；\s]+/).map((s) => s.trim()).filter(Boolean)
    const input: RegisterInput = {
      scene: community.scene,
      name: values.name,
      mobile: values.mobile,
      workUnit: values.workUnit,
      partyOrg: values.partyOrg,
      gridId: values.gridId,
      buildingId: values.buildingId,
      unit: values.unit || undefined,
      room: values.room,
      skills: [...values.skills, ...extra],
      services: values.services,
      consent: consent as true
    }
    const parsed = registerInput.safeParse(input)
    if (!parsed.success) {
      const next: Partial<Record<FieldKey, string>> = {}
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0]) as FieldKey
        if (!next[key]) next[key] = hasChinese(issue.message) ? issue.message : (FALLBACK[key] ?? '请检查此项')
      }
      setErrors(next)
      setProblem('请按红色提示修改后再提交')
      return
    }
    setErrors({})
    setProblem('')
    setBusy(true)
    const error = await onSubmit(input)
    setBusy(false)
    if (!error) return
    if (error.fields?.length) {
      const next: Partial<Record<FieldKey, string>> = {}
      for (const field of error.fields) next[field.split('.')[0] as FieldKey] = error.fields.length === 1 ? error.message : (FALLBACK[field as FieldKey] ?? error.message)
      setErrors(next)
    }
    setProblem(error.message)
  }

  return (
    <View>
      <Section title='1. 个人信息'>
        <Field label='姓名' required error={errors.name}>
          <Input className='rg-field__input' value={values.name} maxlength={30} placeholder='请输入真实姓名' onInput={(e) => set({ name: e.detail.value })} data-testid='field-name' />
        </Field>
        <Field label='手机号' required error={errors.mobile} hint='仅社区工作人员可见，用于联系您'>
          <Input className='rg-field__input' type='number' value={values.mobile} maxlength={11} placeholder='11位手机号' onInput={(e) => set({ mobile: e.detail.value })} data-testid='field-mobile' />
        </Field>
        <Field label='工作单位' required error={errors.workUnit}>
          <Input className='rg-field__input' value={values.workUnit} maxlength={60} placeholder='如：区教育体育局' onInput={(e) => set({ workUnit: e.detail.value })} data-testid='field-workUnit' />
        </Field>
        <Field label='所在党组织' required error={errors.partyOrg} hint='组织关系所在的党支部（党委）'>
          <Input className='rg-field__input' value={values.partyOrg} maxlength={60} placeholder='如：区教体局机关第一党支部' onInput={(e) => set({ partyOrg: e.detail.value })} data-testid='field-partyOrg' />
        </Field>
      </Section>

      <Section title='2. 居住地址' subtitle={community.communityName}>
        <Field label='小区（网格）' required error={errors.gridId}>
          <ChoiceChips options={gridOptions} value={values.gridId} onChange={(v) => set({ gridId: v as string, buildingId: '', unit: '' })} testid='grid' />
        </Field>
        {grid ? (
          <Field label='楼栋' required error={errors.buildingId}>
            <ChoiceChips options={grid.buildings.map((b) => ({ value: b.id, label: b.name }))} value={values.buildingId} onChange={(v) => set({ buildingId: v as string, unit: '' })} testid='building' />
          </Field>
        ) : null}
        {building ? (
          <Field label='单元' optional error={errors.unit}>
            <ChoiceChips options={unitOptions} value={values.unit} onChange={(v) => set({ unit: v === values.unit ? '' : (v as string) })} testid='unit' />
          </Field>
        ) : null}
        <Field label='门牌号' required error={errors.room}>
          <Input className='rg-field__input' value={values.room} maxlength={20} placeholder='如：502' onInput={(e) => set({ room: e.detail.value })} data-testid='field-room' />
        </Field>
      </Section>

      <Section title='3. 特长与服务意愿'>
        <Field label='技能特长' optional error={errors.skills}>
          <ChoiceChips options={SKILL_OPTIONS.map((s) => ({ value: s, label: s }))} value={values.skills} multiple small onChange={(v) => set({ skills: v as string[] })} testid='skill' />
          <Input className='rg-field__input' value={otherSkills} maxlength={100} placeholder='其他特长，多个用顿号分开' onInput={(e) => setOtherSkills(e.detail.value)} />
        </Field>
        <Field label='愿意参加的服务' optional error={errors.services}>
          <ChoiceChips
            options={SERVICE_KINDS.map((s) => ({ value: s, label: SERVICE_KIND_LABELS[s] }))}
            value={values.services}
            multiple
            small
            onChange={(v) => set({ services: v as ServiceKind[] })}
            testid='service'
          />
        </Field>
      </Section>

      <Section title='4. 个人信息授权'>
        <View className='rg-consent' data-testid='consent' onClick={() => { setConsent(!consent); setProblem(''); setErrors((e) => ({ ...e, consent: undefined })) }}>
          <View className={`rg-consent__box${consent ? ' rg-consent__box--on' : ''}`}>{consent ? '✓' : ''}</View>
          <Text className='rg-consent__text'>
            我已阅读并同意
            <Text
              className='rg-consent__link'
              onClick={(e) => {
                e.stopPropagation()
                setShowRules(!showRules)
              }}
            >
              《个人信息处理规则》
            </Text>
            ，同意社区为开展在职党员报到服务处理我的上述信息
          </Text>
        </View>
        {showRules ? (
          <View className='rg-rules'>
            <Text className='rg-rules__item'>1. 处理目的：在职党员到居住地社区报到、编入网格党支部和楼栋党小组、联系您参加社区服务。</Text>
            <Text className='rg-rules__item'>2. 处理的信息：姓名、手机号、工作单位、所在党组织、居住地址、技能特长和服务意愿。</Text>
            <Text className='rg-rules__item'>3. 谁能看到：仅您报到社区的工作人员和区级管理员；其他人只能看到打码后的手机号。每次查看完整号码或导出名单都会留痕。</Text>
            <Text className='rg-rules__item'>4. 保存期限：您在本社区报到期间；转出或不再报到后按规定归档。</Text>
            <Text className='rg-rules__item'>5. 您的权利：可随时查看；审核前可自行修改，审核后请联系社区工作人员更正。</Text>
          </View>
        ) : null}
        {errors.consent ? <Text className='rg-field__error'>{errors.consent}</Text> : null}
      </Section>

      {problem ? <Text className='rg-warn'>{problem}</Text> : null}
      <View className='rg-buttons'>
        <BigButton loading={busy} disabled={busy} onClick={() => void submit()}>
          {submitLabel}
        </BigButton>
      </View>
    </View>
  )
}
