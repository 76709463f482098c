export default definePageConfig({ navigationBarTitleText: '报到管理', enablePullDownRefresh: true })
