export default definePageConfig({
  navigationBarTitleText: '红邻管理后台'
})
