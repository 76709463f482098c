export default definePageConfig({
  navigationBarTitleText: '补录时长复核',
  enablePullDownRefresh: true
})
