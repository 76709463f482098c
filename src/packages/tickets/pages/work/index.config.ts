export default definePageConfig({ navigationBarTitleText: '三方联动', enablePullDownRefresh: true })
