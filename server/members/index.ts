import { membersContract as c } from '../../contracts/members'
import { action } from '../core/function'
import { detail, revealMobile } from './detail'
import { exportMembers } from './export'
import { list } from './list'
import { importConfirm, importPreview } from './imports'
import { me } from './me'
import { placementOptions } from './placement'
import { register, sceneInfo, structure } from './register'
import { review } from './review'
import { reviewMany } from './reviewMany'
import { setCommunityTargets, setTarget, stats } from './stats'

const STAFF = ['staff', 'district_admin'] as const

/**
 * 在职党员报到. Access here is the role gate; the community scope of the record acted on is
 * checked in each handler (staff of that community, or district admin).
 */
export const membersActions = {
  /** Roster imports (docs/back-office.md §5): staff of the community named by `scope`, or the district admin (checked in the handler). */
  importPreview: action({ input: c.importPreview.input, access: STAFF, handler: (input, { caller }) => importPreview(input, caller) }),
  importConfirm: action({ input: c.importConfirm.input, access: STAFF, handler: (input, { caller }) => importConfirm(input, caller) }),
  /** Any signed-in person (a member-to-be has no role yet) submits or edits their registration. */
  register: action({ input: c.register.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => register(input, ctx) }),
  me: action({ input: c.me.input, access: 'signedIn', identity: 'withFirstRead', handler: (_input, ctx) => me(ctx) }),
  /** The form's community and compounds for a scanned code. */
  scene: action({ input: c.scene.input, access: 'signedIn', handler: (input) => sceneInfo(input) }),
  structure: action({ input: c.structure.input, access: STAFF, handler: (input, { caller }) => structure(input, caller) }),
  detail: action({ input: c.detail.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => detail(input, ctx) }),
  /** `withFirstRead`: the caller is read with the action's first read (server/core/function.ts). */
  review: action({ input: c.review.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => review(input, ctx) }),
  /** The back office's 批量审核: `review` for up to 20 registrations, per-id outcomes (./reviewMany.ts). */
  reviewMany: action({ input: c.reviewMany.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => reviewMany(input, ctx) }),
  placementOptions: action({ input: c.placementOptions.input, access: STAFF, handler: (input, { caller }) => placementOptions(input, caller) }),
  list: action({ input: c.list.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => list(input, ctx) }),
  revealMobile: action({ input: c.revealMobile.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => revealMobile(input, ctx) }),
  export: action({ input: c.export.input, access: STAFF, handler: (input, { caller }) => exportMembers(input, caller) }),
  stats: action({ input: c.stats.input, access: STAFF, identity: 'withFirstRead', handler: (_input, ctx) => stats(ctx) }),
  setTarget: action({ input: c.setTarget.input, access: ['district_admin'], handler: (input, { caller }) => setTarget(input, caller) }),
  /** The communities' own targets: the district admin only (staff see theirs in `stats`). */
  setCommunityTargets: action({
    input: c.setCommunityTargets.input,
    access: ['district_admin'],
    identity: 'withFirstRead',
    handler: (input, ctx) => setCommunityTargets(input, ctx)
  })
}
