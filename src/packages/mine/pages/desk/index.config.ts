export default definePageConfig({
  navigationBarTitleText: '登录管理后台'
})
