import { usersContract } from '../../contracts/users'
import { action } from '../core/function'
import { auditLogs } from './auditLogs'
import { deleteAccount } from './deleteAccount'
import { exportMyData } from './exportMyData'
import { me } from './me'
import { myData } from './myData'
import { overview } from './overview'
import { withdrawConsent } from './withdrawConsent'

/**
 * Function `users`: who am I, and the individual's rights over their personal information
 * (个人信息保护法 第四十四—四十七条: 我的 → 个人信息与隐私), and the audit log of who reached whose
 * personal information. The rights actions act on the caller's own data only (identity from the
 * call, never from the input).
 */
export const usersActions = {
  me: action({ input: usersContract.me.input, access: 'signedIn', handler: (_input, { caller }) => me(caller) }),
  /** 首页 and 我的: my own things with counts, what needs me now, and the work queues of my roles. */
  overview: action({ input: usersContract.overview.input, access: 'signedIn', handler: (_input, { caller }) => overview(caller) }),
  /** Everything held about me: sections with totals and the newest items, consents. */
  myData: action({ input: usersContract.myData.input, access: 'signedIn', handler: (_input, { caller }) => myData(caller) }),
  /** A machine-readable copy (JSON) of every document about me; audited. */
  exportMyData: action({ input: usersContract.exportMyData.input, access: 'signedIn', handler: (_input, { caller }) => exportMyData(caller) }),
  /** Withdraws one consent in force and stops what it covered. */
  withdrawConsent: action({ input: usersContract.withdrawConsent.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => withdrawConsent(ctx, input) }),
  /** 注销: refused to staff roles; otherwise erases and deletes (kept: verified service records, case records, consents). */
  deleteAccount: action({ input: usersContract.deleteAccount.input, access: 'signedIn', handler: (_input, { caller }) => deleteAccount(caller) }),
  /** 个人信息访问记录: the district admin reads all of it, community staff their communities' entries. */
  auditLogs: action({ input: usersContract.auditLogs.input, access: ['staff', 'district_admin'], handler: (input, { caller }) => auditLogs(caller, input) })
}
