import { qrcodesContract } from '../../contracts/members'
import { action } from '../core/function'
import { communityCode } from './community'

export const qrcodesActions = {
  /** Staff of the community (or district admin): the community's 报到码 for the poster. */
  community: action({ input: qrcodesContract.community.input, access: ['staff', 'district_admin'], handler: (input, { caller }) => communityCode(input, caller) })
}
