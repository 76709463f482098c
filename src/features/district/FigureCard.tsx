import { Text, View } from '@tarojs/components'
import { FIGURE_KIND_LABELS } from '@contracts/reportLabels'
import type { FigureValue } from '@contracts/reports'
import { formatValue, percentOf } from './format'

/** One figure: big number, unit, label, whether it is a stock or a flow; a target shown as a bar. */
export function FigureCard({ figure, onOpen }: { figure: FigureValue; onOpen?: () => void }) {
  const pct = figure.target !== undefined ? percentOf(figure.value, figure.target) : undefined
  return (
    <View className='hl-figure' hoverClass='hl-figure--pressed' onClick={onOpen} data-key={figure.key}>
      <Text className='hl-figure__label'>{figure.label}</Text>
      <View className='hl-figure__value-row'>
        <Text className='hl-figure__value'>{formatValue(figure.value)}</Text>
        <Text className='hl-figure__unit'>{figure.unit}</Text>
      </View>
      {pct !== undefined ? (
        <View className='hl-figure__target'>
          <View className='hl-figure__bar'>
            <View className='hl-figure__bar-fill' style={{ width: `${Math.min(100, pct)}%` }} />
          </View>
          <Text className='hl-figure__target-text'>
            目标 {formatValue(figure.target!)} · {pct}%
          </Text>
        </View>
      ) : null}
      {figure.note ? <Text className='hl-figure__note'>{figure.note}</Text> : null}
      <Text className={`hl-figure__kind hl-figure__kind--${figure.kind}`}>{FIGURE_KIND_LABELS[figure.kind]}</Text>
    </View>
  )
}
