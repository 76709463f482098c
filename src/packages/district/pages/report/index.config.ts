export default definePageConfig({
  navigationBarTitleText: '工作报告'
})
