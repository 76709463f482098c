import { randomBytes } from 'node:crypto'
import { PRIVACY_POLICY_VERSION, type ConsentPurpose, type ConsentState } from '../../contracts/privacy'
import { clock } from './clock'
import { db, type TransactionRef } from './db'
import type { Part } from './together'

/**
 * Consent records (collection `consents`, append-only): one document per consent given or
 * withdrawn, with the purpose, the version of the privacy rules in force and the time — the proof
 * a processor must be able to show (个人信息保护法 第十四条). The state of a purpose is its latest
 * event. Records are kept after an account is deleted: they hold only the openid, and prove the
 * processing before it was lawful.
 */
export const CONSENTS = 'consents'

export interface ConsentEvent {
  _id?: string
  openid: string
  purpose: ConsentPurpose
  event: 'given' | 'withdrawn'
  policyVersion: string
  at: Date
  /** The action that recorded it, e.g. `members.register`, `users.withdrawConsent`. */
  source: string
}

/** A consent given now. Inside a transaction, pass `tx`: the record is then part of it (and retried with it). */
export async function recordConsent(openid: string, purpose: ConsentPurpose, source: string, tx?: TransactionRef): Promise<void> {
  await addEvent({ openid, purpose, event: 'given', policyVersion: PRIVACY_POLICY_VERSION, at: clock.date(), source }, tx)
}

export async function recordWithdrawal(openid: string, purpose: ConsentPurpose, source: string): Promise<void> {
  await addEvent({ openid, purpose, event: 'withdrawn', policyVersion: PRIVACY_POLICY_VERSION, at: clock.date(), source })
}

async function addEvent(event: ConsentEvent, tx?: TransactionRef): Promise<void> {
  // A random id: each event is its own document (a retried transaction rolls its own add back).
  const data = { _id: `${event.openid}:${event.purpose}:${event.at.getTime()}:${randomBytes(4).toString('hex')}`, ...event }
  if (tx) await tx.collection(CONSENTS).add({ data })
  else await db().collection(CONSENTS).add({ data })
}

/**
 * Events read per person, newest first: far above what the app records (a few per purpose; the
 * ranking switch, the only one a person can toggle at will, is rate-limited), so every purpose's
 * latest event is among them.
 */
const MAX_EVENTS = 1000

/** The person's consents, one state per purpose ever consented to (one round trip). */
export async function consentStates(openid: string): Promise<ConsentState[]> {
  const res = await db().collection(CONSENTS).where({ openid }).orderBy('at', 'desc').limit(MAX_EVENTS).get()
  return statesOf(res.data as ConsentEvent[])
}

/** The same events as a part of a combined read (server/core/together.ts); `statesOf` turns them into states. */
export function consentEventsPart(openid: string): Part {
  return { collection: CONSENTS, build: (p) => p.match({ openid }).sort({ at: -1 }).limit(MAX_EVENTS) }
}

export function statesOf(events: ConsentEvent[]): ConsentState[] {
  const states = new Map<ConsentPurpose, ConsentState>()
  for (const e of [...events].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime())) {
    const before = states.get(e.purpose)
    if (e.event === 'given') {
      states.set(e.purpose, { purpose: e.purpose, active: true, policyVersion: e.policyVersion, givenAt: new Date(e.at).toISOString(), withdrawnAt: null })
    } else if (before) {
      states.set(e.purpose, { ...before, active: false, withdrawnAt: new Date(e.at).toISOString() })
    }
  }
  return [...states.values()]
}
