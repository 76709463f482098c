export default definePageConfig({
  navigationBarTitleText: '工作队·突击队',
  enablePullDownRefresh: true
})
