export default definePageConfig({
  navigationBarTitleText: '个人信息访问记录',
  enablePullDownRefresh: true
})
