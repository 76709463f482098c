export default definePageConfig({
  navigationBarTitleText: '邻里中心',
  enablePullDownRefresh: true
})
