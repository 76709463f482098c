import { useEffect, useState } from 'react'
import { Input, Text, Textarea, View } from '@tarojs/components'
import { BigButton } from '@/components'
import './volunteer.scss'
import './volunteer-pages.scss'

export interface SheetField {
  key: string
  label: string
  placeholder?: string
  /** A number field (minutes). */
  number?: boolean
  multiline?: boolean
  initial?: string
}

/**
 * A bottom sheet asking for a few values (a reason, minutes), with confirm and cancel. The values
 * go to `onConfirm`; the sheet stays open while it runs and shows its error.
 */
export function Sheet({
  title,
  fields,
  confirm = '确定',
  open,
  onClose,
  onConfirm
}: {
  title: string
  fields: SheetField[]
  confirm?: string
  open: boolean
  onClose: () => void
  onConfirm: (values: Record<string, string>) => Promise<string | void>
}) {
  const [values, setValues] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  useEffect(() => {
    if (open) {
      setValues(Object.fromEntries(fields.map((f) => [f.key, f.initial ?? ''])))
      setError(undefined)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open])
  if (!open) return null
  const submit = async () => {
    setBusy(true)
    const problem = await onConfirm(values)
    setBusy(false)
    if (problem) setError(problem)
  }
  return (
    <View className='vt-sheet' catchMove>
      <View className='vt-sheet__panel'>
        <Text className='vt-sheet__title'>{title}</Text>
        {fields.map((f) => (
          <View key={f.key} className='vt-field'>
            <Text className='vt-field__label'>{f.label}</Text>
            {f.multiline ? (
              <Textarea className='vt-field__textarea' value={values[f.key] ?? ''} placeholder={f.placeholder} maxlength={200} onInput={(e) => setValues({ ...values, [f.key]: e.detail.value })} />
            ) : (
              <Input className='vt-field__input' type={f.number ? 'number' : 'text'} value={values[f.key] ?? ''} placeholder={f.placeholder} onInput={(e) => setValues({ ...values, [f.key]: e.detail.value })} />
            )}
          </View>
        ))}
        {error ? <Text className='vt-notice vt-notice--error'>{error}</Text> : null}
        <View className='vt-sheet__buttons'>
          <View className='vt-sheet__button'>
            <BigButton fill='outline' onClick={onClose}>
              取消
            </BigButton>
          </View>
          <View className='vt-sheet__button'>
            <BigButton loading={busy} onClick={() => void submit()}>
              {confirm}
            </BigButton>
          </View>
        </View>
      </View>
    </View>
  )
}
