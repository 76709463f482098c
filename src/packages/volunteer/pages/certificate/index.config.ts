export default definePageConfig({
  navigationBarTitleText: '志愿服务证明'
})
