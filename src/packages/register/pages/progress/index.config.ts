export default definePageConfig({ navigationBarTitleText: '报到进度' })
