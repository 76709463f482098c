export default definePageConfig({
  navigationBarTitleText: '扫码代签'
})
