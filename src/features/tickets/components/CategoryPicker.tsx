import { Text, View } from '@tarojs/components'
import { TICKET_CATEGORIES, TICKET_CATEGORY_HINTS, TICKET_CATEGORY_LABELS, type TicketCategory } from '@contracts/tickets'
import './tickets.scss'

/** The eight categories as large tiles with a one-line hint each. */
export function CategoryPicker({ value, onChange }: { value?: TicketCategory; onChange: (value: TicketCategory) => void }) {
  return (
    <View className='tk-cats'>
      {TICKET_CATEGORIES.map((c) => (
        <View key={c} className={c === value ? 'tk-cat tk-cat--on' : 'tk-cat'} onClick={() => onChange(c)} aria-selected={c === value} data-category={c}>
          <Text className='tk-cat__label'>{TICKET_CATEGORY_LABELS[c]}</Text>
          <Text className='tk-cat__hint'>{TICKET_CATEGORY_HINTS[c]}</Text>
        </View>
      ))}
    </View>
  )
}
