import { useEffect, useState } from 'react'
import { DeskLayout, ImportWizard, useDeskGate, type ImportKindOption } from '@/features/desk'
import { membersApi } from '@/features/register'
import { teamsApi } from '@/features/volunteer'
import './index.scss'

/**
 * 管理后台 · 批量导入 (PC, H5 only; docs/back-office.md §5): the rosters staff keep in Excel —
 * 在职党员名册 and 楼栋住户 (`members.importPreview` / `importConfirm`) into a community the
 * caller manages (staff: their own; the district admin: any), 志愿队成员 (`teams.importPreview` /
 * `importConfirm`) into one of those communities' teams. The communities come from `members.stats`
 * (each caller's own), the teams from `teams.list`.
 */
export default function DeskImportsPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='imports' title='批量导入'>
      <ImportsBody />
    </DeskLayout>
  )
}

function ImportsBody() {
  const [places, setPlaces] = useState<{ communities: { id: string; name: string }[]; teams: { id: string; name: string }[] } | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    let live = true
    void (async () => {
      const stats = await membersApi.stats({})
      if (!stats.ok) return live && setError(stats.error.message)
      const communities = stats.data.communities.map((c) => ({ id: c.communityId, name: c.communityName }))
      // The teams of the communities the caller may import into (one community: asked by it), every page.
      const mine = new Set(communities.map((c) => c.id))
      const found: { _id: string; name: string; communityId: string; communityName?: string }[] = []
      for (let page = 1; page <= 20; page++) {
        const teams = await teamsApi.list({ page, pageSize: 100, ...(communities.length === 1 ? { communityId: communities[0].id } : {}) })
        if (!teams.ok) break
        found.push(...teams.data.items)
        if (found.length >= teams.data.total || !teams.data.items.length) break
      }
      if (!live) return
      const many = communities.length > 1
      const teams = found.filter((t) => mine.has(t.communityId))
      setPlaces({ communities, teams: teams.map((t) => ({ id: t._id, name: many && t.communityName ? `${t.communityName} · ${t.name}` : t.name })) })
    })()
    return () => {
      live = false
    }
  }, [])
  if (!places) return <div className={error ? 'desk-import__error' : 'desk-import__calm'}>{error || '正在加载…'}</div>
  const options: ImportKindOption[] = (['members', 'residents'] as const).map((kind) => ({
    kind,
    scopes: places.communities,
    preview: (input) => membersApi.importPreview({ ...input, kind }),
    confirm: (input) => membersApi.importConfirm({ ...input, kind })
  }))
  if (places.teams.length)
    options.push({
      kind: 'teamMembers',
      scopes: places.teams,
      preview: (input) => teamsApi.importPreview({ ...input, kind: 'teamMembers' }),
      confirm: (input) => teamsApi.importConfirm({ ...input, kind: 'teamMembers' })
    })
  return <ImportWizard options={options} />
}
