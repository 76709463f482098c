export default definePageConfig({
  navigationBarTitleText: '活动室预约',
  enablePullDownRefresh: true
})
