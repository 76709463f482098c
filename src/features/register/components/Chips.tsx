import { View } from '@tarojs/components'

export interface ChipOption {
  value: string
  label: string
}

export interface ChoiceChipsProps {
  options: ChipOption[]
  /** One value (single choice) or several (multiple). */
  value: string | string[] | undefined
  onChange: (next: string | string[]) => void
  multiple?: boolean
  small?: boolean
  /** data-testid prefix for end-to-end tests. */
  testid?: string
}

/** Every option visible at once, one tap each: easier than a picker for elderly members. */
export function ChoiceChips({ options, value, onChange, multiple, small, testid }: ChoiceChipsProps) {
  const chosen = new Set(Array.isArray(value) ? value : value ? [value] : [])
  const toggle = (v: string) => {
    if (!multiple) return onChange(v)
    const next = new Set(chosen)
    if (next.has(v)) next.delete(v)
    else next.add(v)
    onChange(options.map((o) => o.value).filter((o) => next.has(o)))
  }
  return (
    <View className='rg-chips'>
      {options.map((o) => (
        <View
          key={o.value}
          className={`rg-chip${small ? ' rg-chip--small' : ''}${chosen.has(o.value) ? ' rg-chip--on' : ''}`}
          data-testid={testid ? `${testid}-${o.value}` : undefined}
          onClick={() => toggle(o.value)}
        >
          {o.label}
        </View>
      ))}
    </View>
  )
}
