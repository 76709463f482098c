import type { Me } from '@contracts/users'
import type { RouteName } from '@/services/routes'

export interface HomeAction {
  key: string
  label: string
  badge: string
  hint?: string
  route: RouteName
}

export type HomeSectionKey = 'district' | 'staff' | 'property' | 'committee' | 'member' | 'resident'

export interface HomeSection {
  key: HomeSectionKey
  /** Stable heading text: end-to-end tests find a role's section by it. */
  title: string
  subtitle?: string
  actions: HomeAction[]
}

/** Section headings, exported for tests. */
export const SECTION_TITLES: Record<HomeSectionKey, string> = {
  district: '区级管理',
  staff: '社区工作台',
  property: '物业服务',
  committee: '业委会',
  member: '党员服务',
  resident: '便民服务'
}

/**
 * What the home screen shows for a user: the work sections of their roles first, then the
 * member's own services, then the resident services everyone has.
 */
export function homeSections(me: Pick<Me, 'roles' | 'profile' | 'scopes'>): HomeSection[] {
  const roles = new Set(me.roles)
  const { profile } = me
  const sections: HomeSection[] = []

  if (roles.has('district_admin')) {
    sections.push({
      key: 'district',
      title: SECTION_TITLES.district,
      subtitle: '全区',
      actions: [
        { key: 'dashboard', label: '区级看板', badge: '看', hint: '全区数据一览', route: 'districtDashboard' },
        { key: 'progress', label: '报到进度', badge: '到', hint: '在职党员报到', route: 'registerProgress' },
        { key: 'ranking', label: '红黑榜', badge: '榜', hint: '物业企业评比', route: 'districtRanking' },
        { key: 'notice', label: '发布通知', badge: '发', hint: '全区政策宣讲', route: 'noticesPublish' },
        { key: 'rules', label: '工单规则', badge: '规', hint: '三方联动分派与时限', route: 'ticketsRules' },
        { key: 'fund', label: '邻里中心', badge: '中', hint: '建设与资金', route: 'centersFund' },
        { key: 'makeUps', label: '补录复核', badge: '补', hint: '补录时长待认定', route: 'volunteerMakeUps' },
        { key: 'audit', label: '访问记录', badge: '录', hint: '个人信息访问记录', route: 'privacyAudit' }
      ]
    })
  }

  if (roles.has('staff')) {
    sections.push({
      key: 'staff',
      title: SECTION_TITLES.staff,
      subtitle: profile.communityName,
      actions: [
        { key: 'registerReview', label: '报到审核', badge: '审', route: 'registerReview' },
        { key: 'notice', label: '发布通知', badge: '发', route: 'noticesPublish' },
        { key: 'activities', label: '活动管理', badge: '活', route: 'volunteerManage' },
        { key: 'tickets', label: '三方联动工单', badge: '单', route: 'ticketsWork' },
        { key: 'bookingReview', label: '预约审核', badge: '约', route: 'centersBookingReview' },
        { key: 'wishes', label: '微心愿', badge: '愿', route: 'ticketsWishes' },
        { key: 'dashboard', label: '社区看板', badge: '看', hint: '本社区数据一览', route: 'districtDashboard' },
        { key: 'makeUps', label: '补录复核', badge: '补', route: 'volunteerMakeUps' },
        { key: 'audit', label: '访问记录', badge: '录', route: 'privacyAudit' }
      ]
    })
  }

  if (roles.has('property_staff')) {
    sections.push({
      key: 'property',
      title: SECTION_TITLES.property,
      subtitle: profile.companyName,
      actions: [
        { key: 'tickets', label: '物业工单', badge: '单', hint: '居民报事处理', route: 'ticketsWork' },
        { key: 'ranking', label: '红黑榜', badge: '榜', hint: '本月评比', route: 'districtRanking' }
      ]
    })
  }

  if (roles.has('committee')) {
    sections.push({
      key: 'committee',
      title: SECTION_TITLES.committee,
      subtitle: profile.gridName,
      actions: [{ key: 'tickets', label: '业委会工单', badge: '单', hint: '三方联动处理', route: 'ticketsWork' }]
    })
  }

  if (roles.has('member')) {
    sections.push({
      key: 'member',
      title: SECTION_TITLES.member,
      actions: [
        { key: 'registration', label: '我的报到', badge: '到', hint: '居住地报到', route: 'registerMine' },
        { key: 'hours', label: '服务时长', badge: '时', hint: '志愿服务记录', route: 'volunteerHours' },
        { key: 'wishes', label: '认领微心愿', badge: '愿', hint: '帮邻居一把', route: 'ticketsWishes' },
        { key: 'myCode', label: '我的志愿码', badge: '码', hint: '现场签到用', route: 'volunteerMyCode' }
      ]
    })
  }

  sections.push({
    key: 'resident',
    title: SECTION_TITLES.resident,
    actions: [
      { key: 'report', label: '我要报事', badge: '报', hint: '物业问题反映', route: 'ticketsCreate' },
      { key: 'booking', label: '邻里中心预约', badge: '约', hint: '活动室预约', route: 'centers' },
      { key: 'notices', label: '通知公告', badge: '告', hint: '政策与通知', route: 'noticesList' },
      { key: 'volunteer', label: '志愿活动', badge: '志', hint: '报名参加', route: 'activities' },
      { key: 'wish', label: '微心愿', badge: '愿', hint: '请党员帮帮忙', route: 'ticketsWishes' },
      { key: 'ranking', label: '红黑榜', badge: '榜', hint: '物业服务评比', route: 'districtRanking' },
      { key: 'deeds', label: '办实事', badge: '实', hint: '我为群众办实事', route: 'ticketsDeeds' },
      // Party members who have not reported yet usually arrive by the community's code; this is the way without one.
      ...(roles.has('member') ? [] : [{ key: 'register', label: '党员报到', badge: '党', hint: '在职党员到居住地报到', route: 'registerForm' as const }])
    ]
  })

  return sections
}
