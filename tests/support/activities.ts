import type { TestCloud } from './cloud'

/** A published volunteer activity on 2026-11-29 09:00–11:00 (sign-up until the 28th, 5 places), as `openid`. */
export function createActivity(cloud: TestCloud, openid: string, fields: Record<string, unknown> = {}) {
  return cloud.ok(
    'activities',
    'create',
    {
      title: '楼道杂物清理',
      category: '文明创建',
      description: '清理楼道杂物',
      start: '2026-11-29 09:00',
      end: '2026-11-29 11:00',
      signUpDeadline: '2026-11-28 18:00',
      place: { name: '锦绣花园3号楼' },
      capacity: 5,
      ...fields
    },
    openid
  )
}
