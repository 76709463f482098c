/**
 * Every route of the app, in one place. A feature engineer who adds a page:
 *   1. adds its path to `pages` of its subpackage in src/app.config.ts (one line),
 *   2. adds/edits its constant here and lists it in `BUILT` below.
 * Actions that point at a route not in `BUILT` show "功能建设中" instead of navigating.
 * tests/unit/routes.test.ts checks that `BUILT` and app.config.ts agree.
 */
export const routes = {
  // Tab pages (main package)
  home: '/pages/home/index',
  activities: '/pages/activities/index',
  centers: '/pages/centers/index',
  mine: '/pages/mine/index',
  // (The H5-only dev sign-in page is not here: see src/features/session/devSignIn.ts.)

  // packages/register — 在职党员报到
  registerForm: '/packages/register/pages/form/index',
  registerMine: '/packages/register/pages/mine/index',
  /** Staff: 报到管理 (review queue, members, export, poster). */
  registerReview: '/packages/register/pages/review/index',
  registerDetail: '/packages/register/pages/detail/index',
  /** Printable poster of a community's 报到码 (`?communityId=`). */
  registerPoster: '/packages/register/pages/poster/index',
  /** District admin (and staff, for their community): 报到进度 against the target. */
  registerProgress: '/packages/register/pages/progress/index',
  // packages/volunteer — 志愿服务
  volunteerHours: '/packages/volunteer/pages/hours/index',
  volunteerManage: '/packages/volunteer/pages/manage/index',
  volunteerDetail: '/packages/volunteer/pages/detail/index',
  volunteerEdit: '/packages/volunteer/pages/edit/index',
  volunteerCode: '/packages/volunteer/pages/code/index',
  /** Also the target of the check-in QR (`?t=<token>`). */
  volunteerCheckin: '/packages/volunteer/pages/checkin/index',
  volunteerScan: '/packages/volunteer/pages/scan/index',
  volunteerRoster: '/packages/volunteer/pages/roster/index',
  volunteerRecords: '/packages/volunteer/pages/records/index',
  volunteerCertificate: '/packages/volunteer/pages/certificate/index',
  /** Public (no sign-in): the certificate's QR opens it with `?no=` (H5) or `scene` (mini-program code). */
  volunteerVerify: '/packages/volunteer/pages/verify/index',
  volunteerMyCode: '/packages/volunteer/pages/mycode/index',
  volunteerRanking: '/packages/volunteer/pages/ranking/index',
  volunteerTeams: '/packages/volunteer/pages/teams/index',
  volunteerTeam: '/packages/volunteer/pages/team/index',
  /** Staff and district admin: make-up hours entered by someone else, waiting for a second person. */
  volunteerMakeUps: '/packages/volunteer/pages/makeups/index',
  /** 志愿者实名登记 (name, mobile, consent) before a first sign-up; `?next=` goes back to the activity. */
  volunteerJoin: '/packages/volunteer/pages/join/index',
  // packages/centers — 党建+邻里中心
  centersBookingReview: '/packages/centers/pages/review/index',
  centersDetail: '/packages/centers/pages/center/index',
  centersRoom: '/packages/centers/pages/room/index',
  centersMine: '/packages/centers/pages/bookings/index',
  centersCheckIn: '/packages/centers/pages/checkin/index',
  centersStats: '/packages/centers/pages/stats/index',
  centersFund: '/packages/centers/pages/fund/index',
  centersManage: '/packages/centers/pages/manage/index',
  centersEdit: '/packages/centers/pages/edit/index',
  // packages/notices — 通知公告
  noticesList: '/packages/notices/pages/list/index',
  noticesPublish: '/packages/notices/pages/publish/index',
  noticesDetail: '/packages/notices/pages/detail/index',
  noticesManage: '/packages/notices/pages/manage/index',
  noticesStats: '/packages/notices/pages/stats/index',
  noticesResidence: '/packages/notices/pages/residence/index',
  // packages/tickets — 三方联动
  ticketsCreate: '/packages/tickets/pages/create/index',
  ticketsWork: '/packages/tickets/pages/work/index',
  ticketsDetail: '/packages/tickets/pages/detail/index',
  ticketsCompany: '/packages/tickets/pages/company/index',
  ticketsWishes: '/packages/tickets/pages/wishes/index',
  ticketsWish: '/packages/tickets/pages/wish/index',
  ticketsWishNew: '/packages/tickets/pages/wish-new/index',
  ticketsDeeds: '/packages/tickets/pages/deeds/index',
  ticketsRules: '/packages/tickets/pages/rules/index',
  // packages/district — 区级
  districtDashboard: '/packages/district/pages/dashboard/index',
  districtFigure: '/packages/district/pages/figure/index',
  districtReport: '/packages/district/pages/report/index',
  // packages/privacy — 个人信息与隐私
  /** Everything held about me, export, consents and their withdrawal, account deletion (注销). */
  privacyMyData: '/packages/privacy/pages/mydata/index',
  /** Staff (their communities) and the district admin: who saw which full number, exported what. */
  privacyAudit: '/packages/privacy/pages/audit/index',
  // packages/mine — 我的 (settings and help)
  /** 消息设置: 关怀模式, 排行榜公开, notice reminders. */
  mineSettings: '/packages/mine/pages/settings/index',
  /** 帮助: how to do the everyday things, whom to call. */
  mineHelp: '/packages/mine/pages/help/index',
  /** Signing a PC in to the back office: the landing of the PC's QR code (`?scene=`). */
  mineDesk: '/packages/mine/pages/desk/index',
  /** 登录设备: the PCs signed in to the back office as me, each can be signed out. */
  mineDevices: '/packages/mine/pages/devices/index',
  /** 接受角色邀请: the district admin's invitation to a staff-class role (`?scene=<code>`, or the code typed). */
  mineRoleInvite: '/packages/mine/pages/role-invite/index',
  // (The PC back office's own pages, H5 only, are not here: see src/features/desk/session.ts.)
  // 红黑榜: built with the property companies' scorecards in the tickets subpackage (issue #7).
  districtRanking: '/packages/tickets/pages/ranking/index',
} as const

export type RouteName = keyof typeof routes

/** The tab bar pages: reached with switchTab (which takes no query). */
export const TAB_ROUTES: readonly RouteName[] = ['home', 'activities', 'centers', 'mine']

/** Routes whose page exists. Flip a route on here in the change that adds its page. */
export const BUILT: Readonly<Record<RouteName, boolean>> = {
  home: true,
  activities: true,
  centers: true,
  mine: true,
  registerForm: true,
  registerMine: true,
  registerReview: true,
  registerDetail: true,
  registerPoster: true,
  registerProgress: true,
  volunteerHours: true,
  volunteerManage: true,
  volunteerDetail: true,
  volunteerEdit: true,
  volunteerCode: true,
  volunteerCheckin: true,
  volunteerScan: true,
  volunteerRoster: true,
  volunteerRecords: true,
  volunteerCertificate: true,
  volunteerVerify: true,
  volunteerMyCode: true,
  volunteerRanking: true,
  volunteerTeams: true,
  volunteerTeam: true,
  volunteerMakeUps: true,
  volunteerJoin: true,
  centersBookingReview: true,
  centersDetail: true,
  centersRoom: true,
  centersMine: true,
  centersCheckIn: true,
  centersStats: true,
  centersFund: true,
  centersManage: true,
  centersEdit: true,
  noticesList: true,
  noticesPublish: true,
  noticesDetail: true,
  noticesManage: true,
  noticesStats: true,
  noticesResidence: true,
  ticketsCreate: true,
  ticketsWork: true,
  ticketsDetail: true,
  ticketsCompany: true,
  ticketsWishes: true,
  ticketsWish: true,
  ticketsWishNew: true,
  ticketsDeeds: true,
  ticketsRules: true,
  districtDashboard: true,
  districtFigure: true,
  districtReport: true,
  privacyMyData: true,
  privacyAudit: true,
  mineSettings: true,
  mineHelp: true,
  mineDesk: true,
  mineDevices: true,
  mineRoleInvite: true,
  districtRanking: true
}

export const isTabRoute = (name: RouteName): boolean => TAB_ROUTES.includes(name)

/** `/path` plus an encoded query string (undefined values are dropped). */
export function urlOf(name: RouteName, query?: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== '')
  if (!pairs.length) return routes[name]
  return `${routes[name]}?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`
}
