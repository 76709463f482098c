export default definePageConfig({
  navigationBarTitleText: '编辑邻里中心'
})
