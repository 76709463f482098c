/**
 * Evaluated at build time (process.env.TARO_ENV is the platform being built).
 * Adding a page to a domain = one line in that domain's `pages` below (plus its entry in
 * src/services/routes.ts). Subpackages without pages are left out (Taro rejects empty ones).
 */
const isH5 = process.env.TARO_ENV === 'h5'

const subPackages: { root: string; pages: string[] }[] = [
  // 在职党员报到 (registration)
  { root: 'packages/register', pages: ['pages/form/index', 'pages/mine/index', 'pages/review/index', 'pages/detail/index', 'pages/poster/index', 'pages/progress/index'] },
  // 志愿服务 (activities, service records, certificates)
  {
    root: 'packages/volunteer',
    pages: [
      'pages/detail/index',
      'pages/edit/index',
      'pages/manage/index',
      'pages/code/index',
      'pages/checkin/index',
      'pages/scan/index',
      'pages/roster/index',
      'pages/records/index',
      'pages/hours/index',
      'pages/certificate/index',
      'pages/verify/index',
      'pages/mycode/index',
      'pages/ranking/index',
      'pages/teams/index',
      'pages/team/index',
      'pages/makeups/index',
      'pages/join/index'
    ]
  },
  // 党建+邻里中心 (centres, rooms, bookings)
  {
    root: 'packages/centers',
    pages: ['pages/center/index', 'pages/room/index', 'pages/bookings/index', 'pages/checkin/index', 'pages/review/index', 'pages/stats/index', 'pages/fund/index', 'pages/manage/index', 'pages/edit/index']
  },
  // 通知公告 / 政策宣讲 (notices)
  { root: 'packages/notices', pages: ['pages/list/index', 'pages/detail/index', 'pages/publish/index', 'pages/manage/index', 'pages/stats/index', 'pages/residence/index'] },
  // 三方联动 (tickets)
  {
    root: 'packages/tickets',
    pages: ['pages/create/index', 'pages/work/index', 'pages/detail/index', 'pages/ranking/index', 'pages/company/index', 'pages/wishes/index', 'pages/wish/index', 'pages/wish-new/index', 'pages/deeds/index', 'pages/rules/index']
  },
  // 区级看板、红黑榜 (district)
  { root: 'packages/district', pages: ['pages/dashboard/index', 'pages/figure/index', 'pages/report/index'] },
  // 个人信息与隐私 (PIPL rights) and the audit log
  { root: 'packages/privacy', pages: ['pages/mydata/index', 'pages/audit/index'] },
  // 我的: 消息设置, 帮助, and signing a PC in to the back office (the scan landing; 登录设备)
  { root: 'packages/mine', pages: ['pages/settings/index', 'pages/help/index', 'pages/desk/index', 'pages/devices/index', 'pages/role-invite/index'] },
  // The PC back office (issue #19): H5 only, like dev-login; the mini-program never sees it.
  { root: 'packages/desk', pages: isH5 ? ['pages/signin/index', 'pages/home/index', 'pages/activities/index', 'pages/bookings/index', 'pages/tickets/index', 'pages/notices/index', 'pages/downloads/index', 'pages/audit/index', 'pages/registrations/index', 'pages/members/index', 'pages/records/index', 'pages/roles/index', 'pages/imports/index'] : [] }
]

/**
 * What WeChat needs declared before it lets the mini-program call its private APIs (weapp only;
 * app.json keys H5 has no use for). Derived from the code, and held to it by
 * tests/unit/weapp-declarations.test.ts (src/) and scripts/check-weapp.mjs (the built dist/weapp):
 * - requiredPrivateInfos: the location-class APIs called. `getLocation` (precise), not
 *   getFuzzyLocation: the check-in geofences (volunteer check-in, centre check-in) need metres,
 *   and the two cannot both be declared. Undeclared, wx.getLocation fails on a device.
 * - permission: the sentence WeChat shows when it asks for scope.userLocation (≤ 30 characters).
 * - __usePrivacyCheck__: the 用户隐私保护指引 flow (wx.onNeedPrivacyAuthorization) in DevTools too.
 * - sitemapLocation: src/sitemap.json, copied into dist/weapp by config/index.ts.
 */
const weappDeclarations = {
  requiredPrivateInfos: ['getLocation' as const],
  permission: { 'scope.userLocation': { desc: '用于志愿活动现场签到和查找附近的邻里中心' } },
  __usePrivacyCheck__: true,
  sitemapLocation: 'sitemap.json'
}

export default defineAppConfig({
  pages: [
    'pages/home/index',
    'pages/activities/index',
    'pages/centers/index',
    'pages/mine/index',
    // H5 sign-in. An emulator build (HONGLIN_DEV_SIGNIN, config/index.ts) picks a demo persona;
    // any other H5 build cannot sign in yet and asks the visitor to open the mini-program in
    // WeChat (the persona picker is then not built at all). Never in the mini-program.
    ...(isH5 ? [HONGLIN_DEV_SIGNIN ? 'pages/dev-login/index' : 'pages/dev-login/wechat'] : [])
  ],
  subPackages: subPackages.filter((p) => p.pages.length > 0),
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f7f1ee',
    navigationBarBackgroundColor: '#c8161d',
    navigationBarTitleText: '红邻',
    navigationBarTextStyle: 'white'
  },
  tabBar: {
    color: '#5c5c5c',
    selectedColor: '#c8161d',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/home/index', text: '首页', iconPath: 'assets/tabbar/home.png', selectedIconPath: 'assets/tabbar/home-active.png' },
      { pagePath: 'pages/activities/index', text: '活动', iconPath: 'assets/tabbar/activities.png', selectedIconPath: 'assets/tabbar/activities-active.png' },
      { pagePath: 'pages/centers/index', text: '邻里中心', iconPath: 'assets/tabbar/centers.png', selectedIconPath: 'assets/tabbar/centers-active.png' },
      { pagePath: 'pages/mine/index', text: '我的', iconPath: 'assets/tabbar/mine.png', selectedIconPath: 'assets/tabbar/mine-active.png' }
    ]
  },
  lazyCodeLoading: 'requiredComponents',
  ...(isH5 ? {} : weappDeclarations)
})
