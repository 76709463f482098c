import type { Reply } from '@contracts/envelope'

/**
 * The PC's line to CloudBase (docs/back-office.md §1.2, §2 "Change (app)"): a CloudBase web user,
 * anonymous before the scan, then the desk session's custom login. Two implementations, picked at
 * build time by HONGLIN_DEV_SIGNIN (config/index.ts):
 * - the emulator build: `fetch` to the emulator's CloudBase auth endpoints with a bearer token
 *   (cloudEmulator.ts);
 * - a deployed H5 build: `@cloudbase/js-sdk` 3.7.0, loaded on first use by dynamic `import()`
 *   (cloudSdk.ts); only this build's desk pages carry it, never the mini-program.
 */
export interface DeskCloud {
  /** A fresh anonymous web user (before the scan: `auth.deskStart` / `deskPoll` are public). */
  signInAnonymously(): Promise<Reply<null>>
  /** The custom-login ticket `deskPoll` gave once: from now on calls are the desk session. */
  signInWithTicket(ticket: string): Promise<Reply<null>>
  /**
   * Calls cloud function `name` with `data` (`{ action, ...input }`) and resolves with its reply
   * envelope. Never rejects: a refused login answers `UNAUTHENTICATED`, any other failure `INTERNAL`.
   */
  callFunction(name: string, data: Record<string, unknown>): Promise<unknown>
  /** Forgets the web login (after `auth.deskSignOut`, or when the session ended). Never rejects. */
  signOut(): Promise<void>
}
