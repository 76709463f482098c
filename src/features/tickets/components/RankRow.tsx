import { Text, View } from '@tarojs/components'
import type { Scorecard } from '@contracts/companies'
import { oneDecimal, percent } from '../format'
import './tickets.scss'

/** One company in the ranking: place, name, the residents' rating and on-time rate, the score. */
export function RankRow({ card, onClick }: { card: Scorecard; onClick?: () => void }) {
  const cls = card.list === 'red' ? 'tk-rank__no tk-rank__no--red' : card.list === 'black' ? 'tk-rank__no tk-rank__no--black' : 'tk-rank__no'
  return (
    <View className='tk-rank' onClick={onClick} data-company-id={card.companyId}>
      <Text className={cls}>{card.rank ?? '-'}</Text>
      <View className='tk-rank__main'>
        <Text className='tk-rank__name'>
          {card.companyName}
          {card.banner ? <Text className='tk-tag tk-tag--gold tk-rank__flag'>流动红旗</Text> : null}
        </Text>
        <Text className='tk-rank__sub'>
          满意度 {oneDecimal(card.averageRating)}（{card.ratingCount}人评）· 按时办结 {percent(card.onTimeRate)}
        </Text>
      </View>
      <Text className='tk-rank__score'>{card.score.toFixed(1)}</Text>
    </View>
  )
}
