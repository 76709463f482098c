import { useEffect, useRef, useState } from 'react'
import { GRANTABLE_ROLES, ROLE_SCOPE_FIELD, SCOPE_FIELD_LABELS, type GrantableRole, type RoleHolder, type RoleInviteView } from '@contracts/auth'
import { ROLE_LABELS } from '@contracts/roleLabels'
import { authApi, DataTable, DeskLayout, useDeskGate, type Column } from '@/features/desk'
import { dateTime } from '../../common/format'
import { tableProps, useDeskList } from '../../common/useDeskList'
import '../../common/lists.scss'
import './index.scss'

/**
 * 管理后台 · 角色管理 (PC, H5 only; the district admin's): who holds a staff-class role where
 * (`auth.roleHolders`: filters role, community, name), 撤销 per place with a reason
 * (`auth.revokeRole`: audited; the person's PCs are signed out), and 邀请: a form (role and place)
 * whose answer is a QR code and an 8-character code to send; the person accepts on the phone
 * (packages/mine/pages/role-invite). Open invitations are listed with 撤回.
 */
export default function DeskRolesPage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='roles' title='角色管理'>
      <RolesBody />
    </DeskLayout>
  )
}

interface Places {
  communities: { id: string; name: string }[]
  companies: { id: string; name: string }[]
  grids: { id: string; name: string; communityId?: string }[]
}

function usePlaces(): Places | null {
  const [places, setPlaces] = useState<Places | null>(null)
  useEffect(() => {
    let live = true
    void authApi.roleScopes({}).then((reply) => {
      if (live && reply.ok) setPlaces(reply.data)
    })
    return () => {
      live = false
    }
  }, [])
  return places
}

type Filters = { role: GrantableRole | ''; communityId: string; q: string }
interface Revoking {
  holder: RoleHolder
  role: GrantableRole
  scopeId?: string
  scopeName?: string
}

function RolesBody() {
  const places = usePlaces()
  const [invitesVersion, setInvitesVersion] = useState(0)
  const list = useDeskList<RoleHolder, Filters>(
    ({ page, pageSize, filters }) =>
      authApi.roleHolders({
        page,
        pageSize,
        ...(filters.role ? { role: filters.role } : {}),
        ...(filters.communityId ? { communityId: filters.communityId } : {}),
        ...(filters.q ? { q: filters.q } : {})
      }),
    { role: '', communityId: '', q: '' }
  )
  const [search, setSearch] = useState('')
  const [revoking, setRevoking] = useState<Revoking | null>(null)
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null)
  const { filters } = list

  const columns: Column<RoleHolder>[] = [
    { key: 'name', title: '姓名', width: '140PX', render: (h) => (h.districtAdmin ? `${h.name}（区级管理员）` : h.name) },
    {
      key: 'holdings',
      title: '角色与范围',
      render: (h) => (
        <div>
          {h.holdings.map((x) => (
            <div key={`${x.role}:${x.scopeId ?? ''}`} className='desk-roles__holding'>
              <span className='desk-list__tag'>{ROLE_LABELS[x.role]}</span>
              <span>{x.scopeName ?? '（未指定范围）'}</span>
              <button
                type='button'
                className='desk-button desk-button--plain'
                aria-label={`撤销${h.name}的${ROLE_LABELS[x.role]}${x.scopeName ? `（${x.scopeName}）` : ''}`}
                onClick={() => {
                  setOutcome(null)
                  setRevoking({ holder: h, role: x.role, scopeId: x.scopeId, scopeName: x.scopeName })
                }}
              >
                撤销
              </button>
            </div>
          ))}
        </div>
      )
    },
    { key: 'openid', title: '账号编号', width: '220PX', render: (h) => <span className='desk-list__sub'>{h.openid}</span> }
  ]

  return (
    <div className='desk-list desk-roles' data-testid='desk-roles'>
      <InvitePanel places={places} onMade={() => setInvitesVersion((n) => n + 1)} />
      <OpenInvites version={invitesVersion} />
      {revoking ? (
        <RevokePanel
          revoking={revoking}
          onClose={() => setRevoking(null)}
          onDone={(text) => {
            setRevoking(null)
            setOutcome({ ok: true, text })
            list.reload()
            setInvitesVersion((n) => n + 1)
          }}
        />
      ) : null}
      {outcome ? (
        <div role='status' className={outcome.ok ? 'desk-roles__ok' : 'desk-roles__error'} data-testid='desk-roles-outcome'>
          {outcome.text}
        </div>
      ) : null}
      <DataTable
        name='role-holders'
        label='角色持有人'
        rowKey={(h) => h.openid}
        columns={columns}
        empty='没有符合条件的人员'
        {...tableProps(list)}
        toolbar={
          <>
            <label className='desk-field'>
              角色
              <select value={filters.role} onChange={(e) => list.setFilters({ role: e.target.value as GrantableRole | '' })}>
                <option value=''>全部</option>
                {GRANTABLE_ROLES.map((role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                  </option>
                ))}
              </select>
            </label>
            <label className='desk-field'>
              社区
              <select value={filters.communityId} onChange={(e) => list.setFilters({ communityId: e.target.value })}>
                <option value=''>全部</option>
                {(places?.communities ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <form
              className='desk-field'
              onSubmit={(e) => {
                e.preventDefault()
                list.setFilters({ q: search.trim() })
                // Invitations accepted meanwhile leave the open list.
                setInvitesVersion((n) => n + 1)
              }}
            >
              <input aria-label='姓名' placeholder='姓名' maxLength={32} value={search} onChange={(e) => setSearch(e.target.value)} />
              <button type='submit' className='desk-button desk-button--plain'>
                搜索
              </button>
            </form>
          </>
        }
      />
    </div>
  )
}

/** The places a role is granted in, for the form's select (compounds grouped by community). */
function PlaceOptions({ role, places }: { role: GrantableRole; places: Places }) {
  if (role === 'staff') return <>{places.communities.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}</>
  if (role === 'property_staff') return <>{places.companies.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}</>
  return (
    <>
      {places.communities.map((c) => (
        <optgroup key={c.id} label={c.name}>
          {places.grids
            .filter((g) => g.communityId === c.id)
            .map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
        </optgroup>
      ))}
    </>
  )
}

function InvitePanel({ places, onMade }: { places: Places | null; onMade: () => void }) {
  const [open, setOpen] = useState(false)
  const [role, setRole] = useState<GrantableRole>('staff')
  const [placeId, setPlaceId] = useState('')
  const [name, setName] = useState('')
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [made, setMade] = useState<{ code: string; qr: string; expiresAt: string; label: string } | null>(null)

  const submit = async () => {
    setBusy(true)
    setError('')
    const reply = await authApi.inviteRole({
      role,
      scope: { [ROLE_SCOPE_FIELD[role]]: [placeId] },
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(note.trim() ? { note: note.trim() } : {})
    })
    setBusy(false)
    if (!reply.ok) return setError(reply.error.message)
    setMade(reply.data)
    setName('')
    setNote('')
    onMade()
  }

  return (
    <section className='desk-panel' aria-label='邀请' data-testid='desk-roles-invite'>
      <div className='desk-panel__head'>
        <h2 className='desk-panel__title'>邀请新成员</h2>
        <button type='button' className={open ? 'desk-button desk-button--plain' : 'desk-button'} onClick={() => setOpen(!open)}>
          {open ? '收起' : '邀请'}
        </button>
      </div>
      {open ? (
        <>
          <div className='desk-roles__form'>
            <label className='desk-field'>
              角色
              <select
                aria-label='角色'
                value={role}
                onChange={(e) => {
                  setRole(e.target.value as GrantableRole)
                  setPlaceId('')
                }}
              >
                {GRANTABLE_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABELS[r]}
                  </option>
                ))}
              </select>
            </label>
            <label className='desk-field'>
              {SCOPE_FIELD_LABELS[ROLE_SCOPE_FIELD[role]]}
              <select aria-label='范围' value={placeId} onChange={(e) => setPlaceId(e.target.value)}>
                <option value=''>请选择</option>
                {places ? <PlaceOptions role={role} places={places} /> : null}
              </select>
            </label>
            <label className='desk-field'>
              姓名
              <input aria-label='被邀请人姓名' placeholder='可不填' maxLength={20} value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <label className='desk-field'>
              备注
              <input aria-label='备注' placeholder='可不填' maxLength={100} value={note} onChange={(e) => setNote(e.target.value)} />
            </label>
            <button type='button' className='desk-button' disabled={!placeId || busy} onClick={() => void submit()}>
              {busy ? '正在生成…' : '生成邀请'}
            </button>
          </div>
          {error ? (
            <div role='alert' className='desk-roles__error'>
              {error}
            </div>
          ) : null}
          {made ? (
            <div className='desk-roles__made' data-testid='desk-roles-made'>
              <img className='desk-roles__qr' src={made.qr} alt={`邀请二维码：${made.label}`} />
              <div>
                <div>{made.label}</div>
                <div className='desk-roles__code' data-testid='desk-roles-code'>
                  {made.code}
                </div>
                <div className='desk-roles__hint'>
                  请被邀请人用微信扫描二维码，或在红邻小程序“接受角色邀请”页输入邀请码。
                  <br />
                  有效期至 {dateTime(made.expiresAt)}，只能使用一次。
                </div>
              </div>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  )
}

function OpenInvites({ version }: { version: number }) {
  const list = useDeskList<RoleInviteView, object>(({ page, pageSize }) => authApi.invites({ page, pageSize }), {})
  const [error, setError] = useState('')
  // A new invitation (version + 1): the list asks again.
  const reload = useRef(list.reload)
  reload.current = list.reload
  useEffect(() => {
    if (version) reload.current()
  }, [version])
  if (!list.loading && !list.error && list.total === 0) return null
  const cancel = async (code: string) => {
    setError('')
    const reply = await authApi.cancelInvite({ code })
    if (!reply.ok) setError(reply.error.message)
    list.reload()
  }
  const columns: Column<RoleInviteView>[] = [
    { key: 'code', title: '邀请码', width: '110PX', render: (i) => <span className='desk-list__title'>{i.code}</span> },
    { key: 'label', title: '角色', render: (i) => i.label },
    { key: 'name', title: '被邀请人', width: '110PX', render: (i) => i.name ?? '—' },
    { key: 'createdAt', title: '邀请时间', width: '150PX', render: (i) => dateTime(i.createdAt) },
    { key: 'expiresAt', title: '有效期至', width: '150PX', render: (i) => dateTime(i.expiresAt) },
    {
      key: 'cancel',
      title: '操作',
      width: '80PX',
      render: (i) => (
        <button type='button' className='desk-button desk-button--plain' aria-label={`撤回邀请${i.code}`} onClick={() => void cancel(i.code)}>
          撤回
        </button>
      )
    }
  ]
  return (
    <section aria-label='待接受的邀请'>
      <div className='desk-list__title'>待接受的邀请</div>
      {error ? (
        <div role='alert' className='desk-roles__error'>
          {error}
        </div>
      ) : null}
      <DataTable name='role-invites' label='待接受的邀请' rowKey={(i) => i.code} columns={columns} empty='暂无待接受的邀请' {...tableProps(list)} />
    </section>
  )
}

function RevokePanel({ revoking, onClose, onDone }: { revoking: Revoking; onClose: () => void; onDone: (text: string) => void }) {
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const what = `${ROLE_LABELS[revoking.role]}${revoking.scopeName ? `（${revoking.scopeName}）` : ''}`
  const submit = async () => {
    setBusy(true)
    setError('')
    const reply = await authApi.revokeRole({
      openid: revoking.holder.openid,
      role: revoking.role,
      ...(revoking.scopeId ? { scopeId: revoking.scopeId } : {}),
      reason: reason.trim()
    })
    setBusy(false)
    if (!reply.ok) return setError(reply.error.message)
    const pcs = reply.data.sessionsEnded ? `，已让其退出 ${reply.data.sessionsEnded} 台电脑` : ''
    onDone(`已撤销${revoking.holder.name}的${what}${pcs}`)
  }
  return (
    <section className='desk-panel' role='dialog' aria-label='撤销角色' data-testid='desk-roles-revoke'>
      <div className='desk-panel__head'>
        <h2 className='desk-panel__title'>
          撤销{revoking.holder.name}的{what}
        </h2>
      </div>
      <span className='desk-list__reason'>
        <input aria-label='撤销原因' placeholder='请填写撤销原因（至少2个字，记入访问记录）' maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type='button' className='desk-button' disabled={reason.trim().length < 2 || busy} onClick={() => void submit()}>
          {busy ? '正在撤销…' : '确认撤销'}
        </button>
        <button type='button' className='desk-button desk-button--plain' disabled={busy} onClick={onClose}>
          取消
        </button>
      </span>
      {error ? (
        <div role='alert' className='desk-roles__error'>
          {error}
        </div>
      ) : null}
      <div className='desk-roles__hint'>撤销后，其在电脑上的登录将立即失效。</div>
    </section>
  )
}
