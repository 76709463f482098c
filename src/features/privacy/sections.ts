import type { MyDataSectionKey } from '@contracts/users'
import type { RouteName } from '@/services/routes'

/**
 * The page listing all of a section (the privacy page shows only the newest few). signUps has none:
 * the 活动 tab's 我报名的 filter cannot be preselected through switchTab, and a link to the general
 * list would not show the person's own sign-ups.
 */
export const SECTION_ROUTES: Partial<Record<MyDataSectionKey, RouteName>> = {
  registrations: 'registerMine',
  serviceRecords: 'volunteerHours',
  certificates: 'volunteerHours',
  teams: 'volunteerTeams',
  bookings: 'centersMine',
  tickets: 'ticketsWork',
  wishes: 'ticketsWishes',
  claimedWishes: 'ticketsWishes'
}

/** 2026-11-27 09:30 in the phone's time zone (Asia/Shanghai for the district's users). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}
