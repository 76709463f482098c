export default definePageConfig({
  navigationBarTitleText: '接受角色邀请'
})
