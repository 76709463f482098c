import type { Me } from '@/contracts/users'
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
        { key: 'ranking', label: '红黑榜', badge: '榜', hint: '物业企业评比', route: 'districtRanking' },
        { key: 'notice', label: '发布通知', badge: '发', hint: '全区政策宣讲', route: 'noticesPublish' },
        { key: 'users', label: '角色管理', badge: '管', hint: '社区工作者等', route: 'adminUsers' }
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
        { key: 'dashboard', label: '社区看板', badge: '看', hint: '本社区数据一览', route: 'districtDashboard' }
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
        { key: 'hours', label: '服务时长', badge: '时', hint: '志愿服务记录', route: 'volunteerHours' }
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
      { key: 'volunteer', label: '志愿活动', badge: '志', hint: '报名参加', route: 'activities' }
    ]
  })

  return sections
}
