export default definePageConfig({ navigationBarTitleText: '报到码海报' })
