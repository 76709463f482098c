import { Text, View } from '@tarojs/components'
import type { PlacementView } from '@contracts/members'

/**
 * The member's place in the four-level organisation, top-down: 社区大党委 → 网格党支部 →
 * 楼栋党小组 → 党员中心户, with whom to contact at each level.
 */
export function PlacementCard({ communityName, placement }: { communityName: string; placement: PlacementView }) {
  const { branch, partyGroup, centralHousehold } = placement
  return (
    <View className='rg-org'>
      <View className='rg-org__level'>
        <Text className='rg-org__kind'>社区"大党委"</Text>
        <Text className='rg-org__name'>{communityName}"大党委"</Text>
      </View>
      <View className='rg-org__level rg-org__level--2'>
        <Text className='rg-org__kind'>网格党支部</Text>
        <Text className='rg-org__name'>{branch.name}</Text>
        <Text className='rg-org__who'>党支部书记：{branch.secretary}</Text>
      </View>
      <View className='rg-org__level rg-org__level--3'>
        <Text className='rg-org__kind'>楼栋党小组</Text>
        <Text className='rg-org__name'>{partyGroup.name}</Text>
        <Text className='rg-org__who'>党小组长：{partyGroup.leader}</Text>
      </View>
      <View className='rg-org__level rg-org__level--4'>
        <Text className='rg-org__kind'>党员中心户</Text>
        {centralHousehold ? (
          <>
            <Text className='rg-org__name'>{centralHousehold.name}</Text>
            <Text className='rg-org__who'>
              {centralHousehold.buildingName ?? ''} {centralHousehold.room}
            </Text>
          </>
        ) : (
          <Text className='rg-org__who'>本楼栋暂未设立，请联系党小组长</Text>
        )}
      </View>
    </View>
  )
}
