export default definePageConfig({
  navigationBarTitleText: '志愿者实名登记'
})
