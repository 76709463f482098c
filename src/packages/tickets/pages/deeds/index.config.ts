export default definePageConfig({ navigationBarTitleText: '我为群众办实事' })
