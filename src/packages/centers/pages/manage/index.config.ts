export default definePageConfig({
  navigationBarTitleText: '中心管理'
})
