/**
 * What a PC signed in by scan may not do (docs/back-office.md §2.5): the actions that take a
 * person's consent, need them where they stand (check-in, booking on the spot), or act on their
 * account, and every phone step of the desk sign-in itself (a PC session can never confirm or revoke
 * another PC session). The shell refuses them to a desk caller with FORBIDDEN 请在手机上操作 before
 * anything is read. Names are `<function>.<action>`; tests/functions/desk-auth.test.ts checks that
 * every one names an action of a router.
 */
export const PHONE_ONLY: ReadonlySet<string> = new Set([
  'members.register',
  'activities.signUp',
  'activities.withdraw',
  'activities.checkIn',
  'activities.checkOut',
  'activities.joinVolunteers',
  'activities.certificate',
  'centers.book',
  'centers.checkIn',
  'tickets.create',
  'wishes.create',
  'wishes.claim',
  'users.withdrawConsent',
  'users.deleteAccount',
  'users.exportMyData',
  'auth.deskScan',
  'auth.deskConfirm',
  'auth.deskCancel',
  'auth.deskRevoke',
  'auth.acceptRole'
])

export const PHONE_ONLY_MESSAGE = '请在手机上操作'

export const isPhoneOnly = (fn: string, action: string): boolean => PHONE_ONLY.has(`${fn}.${action}`)
