import { reportsContract as c } from '../../contracts/reports'
import { action } from '../core/function'
import { dashboard } from './dashboard'
import { figure } from './figures/drill'
import { workReport } from './workReport'

const VIEWERS = ['staff', 'district_admin'] as const

/**
 * 区级看板与工作报告. The role gate is here; the community scope (staff: their own only) is checked
 * in server/reports/scope.ts for every action.
 */
export const reportsActions = {
  dashboard: action({ input: c.dashboard.input, access: VIEWERS, handler: (input, { caller }) => dashboard(input, caller) }),
  figure: action({ input: c.figure.input, access: VIEWERS, identity: 'withFirstRead', handler: (input, ctx) => figure(input, ctx) }),
  workReport: action({ input: c.workReport.input, access: VIEWERS, handler: (input, { caller }) => workReport(input, caller) })
}
