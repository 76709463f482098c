export default definePageConfig({ navigationBarTitleText: '派单规则与时限' })
