/**
 * Consents for the demo data (issue #16): wherever a seed copies a person's mobile onto a record
 * (a ticket, a wish, a booking) or keeps a registration they consented to, the person is given the
 * consent the real flow records with it (server/core/consents.ts `recordConsent`: purpose, policy
 * version, time; source `seed`), so 个人信息与隐私 shows the demo personas a truthful list.
 *
 * One `given` event per person, purpose and domain, at the earliest record (the real flows record
 * one per record: the state is the latest event, so one says the same). `_id`s are deterministic:
 * `${openid}:${purpose}:${ms}:seed-${domain}` (recordConsent's shape with the random tail fixed).
 */
import { PRIVACY_POLICY_VERSION, type ConsentPurpose } from '../../contracts/privacy'

export interface ConsentingRecord {
  openid: string
  at: Date
}

export function seedConsents(purpose: ConsentPurpose, domain: string, now: Date, records: Iterable<ConsentingRecord>): Record<string, unknown>[] {
  const earliest = new Map<string, Date>()
  for (const r of records) {
    // Before the seed's now (some seeded records are dated ahead): a consent dated later would
    // outlast a withdrawal made today.
    const at = new Date(Math.min(new Date(r.at).getTime(), now.getTime() - 60_000))
    const seen = earliest.get(r.openid)
    if (!seen || at < seen) earliest.set(r.openid, at)
  }
  return [...earliest].map(([openid, at]) => ({
    _id: `${openid}:${purpose}:${at.getTime()}:seed-${domain}`,
    openid,
    purpose,
    event: 'given',
    policyVersion: PRIVACY_POLICY_VERSION,
    at,
    source: 'seed'
  }))
}
