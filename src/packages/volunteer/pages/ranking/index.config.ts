export default definePageConfig({
  navigationBarTitleText: '志愿服务排行',
  enablePullDownRefresh: true
})
