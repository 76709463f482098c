import type { CloseReason, Party, TicketCategory, TicketStatus, TicketEventKind, ActorKind } from '../../contracts/tickets'
import { PARTY_LABELS, TICKET_LIMITS } from '../../contracts/tickets'
import { hasRole, isDistrictAdmin } from '../core/guard'
import type { Caller } from '../core/identity'
import { monthKey } from '../core/time'

/** A ticket as stored in `tickets`. Dates are instants; `*Month` fields are Asia/Shanghai "YYYY-MM". */
export interface TicketRecord {
  _id: string
  category: TicketCategory
  description: string
  /** fileIDs */
  photos: string[]
  communityId: string
  gridId: string
  buildingId: string | null
  reporterOpenid: string
  /** The reporter's registered name when reported (shown to others only with showName). */
  reporterName: string
  reporterMobile: string | null
  showName: boolean
  /** 邻里纠纷: counted separately (化解矛盾纠纷), excluded from the companies' volume. */
  isDispute: boolean
  status: TicketStatus
  closeReason: CloseReason | null
  /** The lead party now. */
  party: Party
  /**
   * The parties that have acted on the ticket (accepted, resolved, handed over, updated). Two or more:
   * it was solved through 三方联动 jointly (a "堵点", see server/wishes/deeds.ts).
   */
  involvedParties: Party[]
  /** The compound's property company when reported (null: self-managed / entrusted). */
  companyId: string | null
  /** The compound has an owners' committee (oc-<gridId>); otherwise 业委会 is not a party. */
  hasOwnersCommittee: boolean
  acceptHours: number
  resolveHours: number
  createdAt: Date
  updatedAt: Date
  acceptBy: Date
  resolveBy: Date
  /** The original resolve deadline; on-time resolution is judged against it (never moves). */
  dueAt: Date
  dueMonth: string
  createdMonth: string
  acceptedAt: Date | null
  resolvedAt: Date | null
  firstResolvedAt: Date | null
  firstResolvedMonth: string | null
  /** First resolution at or before dueAt. */
  resolvedOnTime: boolean | null
  resolvedBy: Party | null
  closedAt: Date | null
  acceptEscalatedAt: Date | null
  resolveEscalatedAt: Date | null
  escalated: boolean
  rating: number | null
  ratingComment: string | null
  ratedAt: Date | null
  ratedMonth: string | null
  reopenCount: number
  /** Taken out of the company scorecards by an upheld appeal (kept, with history). */
  scoreExcluded: boolean
  /** Number of events written (events are `${ticketId}:${seq}`, in order). */
  seq: number
  /**
   * The first history entry (提交反映), carried by the ticket itself since issue #15 (one write
   * fewer for a report): what of it the ticket does not already hold. Everything else of the entry
   * is the ticket's (reporter, createdAt, photos): `historyOf` shows it. Older tickets have it as
   * `ticketEvents` `<ticketId>:0001` instead.
   */
  firstEntry?: { note: string | null; party: Party }
}

/** One entry of a ticket's history in `ticketEvents` (`_id` = `${ticketId}:${seq padded}`). Never changed. */
export interface TicketEventRecord {
  _id: string
  ticketId: string
  seq: number
  kind: TicketEventKind
  at: Date
  actor: ActorKind
  actorOpenid: string | null
  actorName: string
  note: string | null
  photos: string[]
  from: TicketStatus | null
  to: TicketStatus | null
  party: Party | null
  internal: boolean
  rating: number | null
}

export const OPEN_STATUSES: TicketStatus[] = ['submitted', 'accepted']
export const HOUR = 3600 * 1000
export const DAY = 24 * HOUR

export const eventId = (ticketId: string, seq: number) => `${ticketId}:${String(seq).padStart(4, '0')}`

/**
 * The ticket's first entry (提交反映) as it would have been stored: the reporter as the ticket names
 * them (erased with their account like the ticket's own name), its photos the ticket's (a photo
 * hidden by a media verdict leaves both).
 */
export function firstEventOf(t: TicketRecord & { firstEntry: NonNullable<TicketRecord['firstEntry']> }): TicketEventRecord {
  return {
    _id: eventId(t._id, 1),
    ticketId: t._id,
    seq: 1,
    kind: 'created',
    at: t.createdAt,
    actor: 'reporter',
    actorOpenid: t.reporterOpenid,
    actorName: t.reporterName,
    note: t.firstEntry.note,
    photos: t.photos ?? [],
    from: null,
    to: 'submitted',
    party: t.firstEntry.party,
    internal: false,
    rating: null
  }
}

/**
 * A ticket's whole history, in order: its entries in `ticketEvents` and, for a ticket that carries
 * its first entry itself (`firstEntry`), that one first. The one way every reader gets a history.
 */
export function historyOf(t: TicketRecord, stored: TicketEventRecord[]): TicketEventRecord[] {
  const events = [...stored].sort((a, b) => a.seq - b.seq)
  if (!t.firstEntry || events.some((e) => e.seq === 1)) return events
  return [firstEventOf(t as TicketRecord & { firstEntry: NonNullable<TicketRecord['firstEntry']> }), ...events]
}

/** The parties a compound has: the company if any, the owners' committee if any, always the 居委会. */
export function availableParties(t: Pick<TicketRecord, 'companyId' | 'hasOwnersCommittee'>): Party[] {
  const parties: Party[] = []
  if (t.companyId) parties.push('property_company')
  if (t.hasOwnersCommittee) parties.push('owners_committee')
  parties.push('residents_committee')
  return parties
}

/** The parties of the ticket's compound the caller belongs to. */
export function partiesOf(caller: Caller, t: Pick<TicketRecord, 'companyId' | 'hasOwnersCommittee' | 'gridId' | 'communityId'>): Party[] {
  const parties: Party[] = []
  if (t.companyId && hasRole(caller, 'property_staff') && caller.scopes.companyIds.includes(t.companyId)) parties.push('property_company')
  if (t.hasOwnersCommittee && hasRole(caller, 'committee') && caller.scopes.gridIds.includes(t.gridId)) parties.push('owners_committee')
  if (hasRole(caller, 'staff') && caller.scopes.communityIds.includes(t.communityId)) parties.push('residents_committee')
  return parties
}

export interface Relation {
  reporter: boolean
  parties: Party[]
  lead: boolean
  /** Community staff of the ticket's community (the 大党委's coordinators). */
  staff: boolean
  district: boolean
  /** Sees the full record rather than the public form. */
  full: boolean
}

export function relationOf(caller: Caller, t: TicketRecord): Relation {
  const parties = partiesOf(caller, t)
  const reporter = caller.openid === t.reporterOpenid
  const district = isDistrictAdmin(caller)
  return {
    reporter,
    parties,
    lead: parties.includes(t.party),
    staff: parties.includes('residents_committee'),
    district,
    full: reporter || parties.length > 0 || district
  }
}

/** The actor kind recorded for the caller acting on the ticket: the lead party first, then any other. */
export function actorFor(rel: Relation, lead: Party): ActorKind {
  if (rel.parties.includes(lead)) return lead
  if (rel.parties.length > 0) return rel.parties[0]
  if (rel.reporter) return 'reporter'
  if (rel.district) return 'district'
  return 'resident'
}

export interface PartyNames {
  companyName?: string
  gridName: string
  communityName: string
}

export function partyName(party: Party, names: PartyNames): string {
  if (party === 'property_company') return names.companyName ?? PARTY_LABELS.property_company
  if (party === 'owners_committee') return `${names.gridName}业委会`
  return `${names.communityName.replace(/社区$/, '')}社区居委会`
}

export const iso = (d: Date | string | null | undefined): string | undefined => (d ? new Date(d).toISOString() : undefined)

/** Which deadline has passed while the ticket is open (evaluated at read time). */
export function overdueOf(t: TicketRecord, now: number): 'accept' | 'resolve' | null {
  if (!OPEN_STATUSES.includes(t.status)) return null
  if (new Date(t.resolveBy).getTime() < now) return 'resolve'
  if (t.status === 'submitted' && new Date(t.acceptBy).getTime() < now) return 'accept'
  return null
}

/** Work the deadline rules still owe this ticket at `now` (done by `sweep` or lazily on read). */
export function pendingWork(t: TicketRecord, now: number): { escalateAccept: boolean; escalateResolve: boolean; autoClose: boolean } {
  const open = OPEN_STATUSES.includes(t.status)
  return {
    escalateAccept: t.status === 'submitted' && !t.acceptEscalatedAt && new Date(t.acceptBy).getTime() < now,
    escalateResolve: open && !t.resolveEscalatedAt && new Date(t.resolveBy).getTime() < now,
    autoClose: t.status === 'resolved' && !!t.resolvedAt && new Date(t.resolvedAt).getTime() + autoCloseMs() <= now
  }
}

/** The involved parties with `party` added (no duplicates). */
export function involve(t: Pick<TicketRecord, 'involvedParties'>, party: ActorKind): Party[] {
  const list = t.involvedParties ?? []
  if (party !== 'property_company' && party !== 'owners_committee' && party !== 'residents_committee') return list
  return list.includes(party) ? list : [...list, party]
}

export const autoCloseMs = () => TICKET_LIMITS.autoCloseDays * DAY

/** What a new ticket needs; everything else starts empty. */
export interface NewTicket {
  category: TicketCategory
  description: string
  photos: string[]
  grid: { _id: string; communityId: string }
  buildingId: string | null
  companyId: string | null
  hasOwnersCommittee: boolean
  reporter: { openid: string; name: string; mobile: string | null }
  showName: boolean
  party: TicketRecord['party']
  rule: { acceptHours: number; resolveHours: number }
  createdAt: number
}

/** A submitted ticket's initial state: the one shape both `tickets.create` and the demo seed write. */
export function newTicketRecord(input: NewTicket): Omit<TicketRecord, '_id' | 'seq'> {
  const at = input.createdAt
  const acceptBy = new Date(at + input.rule.acceptHours * HOUR)
  const resolveBy = new Date(at + input.rule.resolveHours * HOUR)
  return {
    category: input.category,
    description: input.description,
    photos: input.photos,
    communityId: input.grid.communityId,
    gridId: input.grid._id,
    buildingId: input.buildingId,
    reporterOpenid: input.reporter.openid,
    reporterName: input.reporter.name,
    reporterMobile: input.reporter.mobile,
    showName: input.showName,
    isDispute: input.category === 'dispute',
    status: 'submitted',
    closeReason: null,
    party: input.party,
    involvedParties: [],
    companyId: input.companyId,
    hasOwnersCommittee: input.hasOwnersCommittee,
    acceptHours: input.rule.acceptHours,
    resolveHours: input.rule.resolveHours,
    createdAt: new Date(at),
    updatedAt: new Date(at),
    acceptBy,
    resolveBy,
    dueAt: resolveBy,
    dueMonth: monthKey(resolveBy),
    createdMonth: monthKey(at),
    acceptedAt: null,
    resolvedAt: null,
    firstResolvedAt: null,
    firstResolvedMonth: null,
    resolvedOnTime: null,
    resolvedBy: null,
    closedAt: null,
    acceptEscalatedAt: null,
    resolveEscalatedAt: null,
    escalated: false,
    rating: null,
    ratingComment: null,
    ratedAt: null,
    ratedMonth: null,
    reopenCount: 0,
    scoreExcluded: false
  }
}
