export default definePageConfig({
  navigationBarTitleText: '红邻管理后台 · 扫码登录'
})
