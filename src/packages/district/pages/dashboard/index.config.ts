export default definePageConfig({
  navigationBarTitleText: '区级看板',
  enablePullDownRefresh: true
})
