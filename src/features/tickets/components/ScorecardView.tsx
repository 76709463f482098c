import { Text, View } from '@tarojs/components'
import { SCORE_WEIGHTS, type Scorecard } from '@contracts/companies'
import { oneDecimal, percent } from '../format'
import './tickets.scss'

/** A company's month in figures, with the component scores and how they combine. */
export function ScorecardView({ card }: { card: Scorecard }) {
  const p = card.partyBuilding
  return (
    <View>
      <View className='tk-metrics'>
        <View className='tk-metric'>
          <Text className='tk-metric__value'>{card.score.toFixed(1)}</Text>
          <Text className='tk-metric__label'>综合得分</Text>
          <Text className='tk-metric__sub'>{card.rank ? `排名第${card.rank}` : '不参与排名'}</Text>
        </View>
        <View className='tk-metric'>
          <Text className='tk-metric__value'>{oneDecimal(card.averageRating)}</Text>
          <Text className='tk-metric__label'>居民满意度（5分制）</Text>
          <Text className='tk-metric__sub'>{card.ratingCount}人评价 · 得分{card.scores.satisfaction}</Text>
        </View>
        <View className='tk-metric'>
          <Text className='tk-metric__value'>{percent(card.onTimeRate)}</Text>
          <Text className='tk-metric__label'>按时办结率</Text>
          <Text className='tk-metric__sub'>
            {card.onTimeCount}/{card.dueCount}件 · 得分{card.scores.onTime}
          </Text>
        </View>
        <View className='tk-metric'>
          <Text className='tk-metric__value'>{percent(card.reopenRate)}</Text>
          <Text className='tk-metric__label'>重新打开率</Text>
          <Text className='tk-metric__sub'>
            {card.reopenedCount}/{card.resolvedCount}件 · 得分{card.scores.reopen}
          </Text>
        </View>
        <View className='tk-metric'>
          <Text className='tk-metric__value'>{card.ticketsPer100Households == null ? '—' : card.ticketsPer100Households.toFixed(1)}</Text>
          <Text className='tk-metric__label'>每百户反映量</Text>
          <Text className='tk-metric__sub'>
            {card.ticketCount}件 / {card.households}户 · 不计分
          </Text>
        </View>
        <View className='tk-metric'>
          <Text className='tk-metric__value'>{p.score}</Text>
          <Text className='tk-metric__label'>党建工作得分</Text>
          <Text className='tk-metric__sub'>
            {p.hasBranch ? '已建支部' : '未建支部'} · 党员{p.partyMembers}名{p.entered ? '' : ' · 本月未录入'}
          </Text>
        </View>
      </View>
      <Text className='tk-muted'>
        综合得分 = 满意度×{SCORE_WEIGHTS.satisfaction * 100}% + 按时办结×{SCORE_WEIGHTS.onTime * 100}% + 未重开×{SCORE_WEIGHTS.reopen * 100}% + 党建×{SCORE_WEIGHTS.partyBuilding * 100}%。评价较少时按平均水平折算，避免偶然一两件左右排名；反映量多少不影响得分。
      </Text>
    </View>
  )
}
