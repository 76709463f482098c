import type { Photo, TicketActions, TicketDetail, TicketEvent, TicketSummary } from '../../contracts/tickets'
import { clock } from '../core/clock'
import { db } from '../core/db'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import type { Part } from '../core/together'
import { maskMobile } from '../core/mask'
import { namesById } from '../core/records'
import { platform } from '../platform'
import type { PlacePerson } from './places'
import { availableParties, historyOf, iso, OPEN_STATUSES, overdueOf, partyName, relationOf, type Relation, type TicketEventRecord, type TicketRecord } from './model'

export interface Names {
  grids: Map<string, string>
  buildings: Map<string, string>
  communities: Map<string, string>
  companies: Map<string, string>
}

/** The lookups that join a ticket's place names (one aggregate stage each, no extra round trip). */
const NAME_LOOKUPS = [
  { from: 'grids', localField: 'gridId', as: '_grid' },
  { from: 'buildings', localField: 'buildingId', as: '_building' },
  { from: 'communities', localField: 'communityId', as: '_community' },
  { from: 'companies', localField: 'companyId', as: '_company' }
] as const

type Joined = TicketRecord & {
  _grid?: Named[]
  _building?: Named[]
  _community?: Named[]
  _company?: Named[]
  _events?: TicketEventRecord[]
  _companyKey?: string
  _communityPeople?: PlacePerson[]
  _companyPeople?: PlacePerson[]
  _gridPeople?: PlacePerson[]
}
interface Named {
  _id: string
  name: string
}

const emptyNames = (): Names => ({ grids: new Map(), buildings: new Map(), communities: new Map(), companies: new Map() })

/** Splits joined rows into the tickets and their names. */
function unjoin(rows: Joined[]): { tickets: TicketRecord[]; names: Names; events: Map<string, TicketEventRecord[]> } {
  const names = emptyNames()
  const events = new Map<string, TicketEventRecord[]>()
  const tickets = rows.map((row) => {
    const { _grid, _building, _community, _company, _events, _companyKey, _communityPeople, _companyPeople, _gridPeople, ...t } = row
    for (const [list, map] of [
      [_grid, names.grids],
      [_building, names.buildings],
      [_community, names.communities],
      [_company, names.companies]
    ] as const)
      for (const doc of list ?? []) map.set(doc._id, doc.name)
    if (_events) events.set(t._id, historyOf(t as TicketRecord, _events))
    return t as TicketRecord
  })
  return { tickets, names, events }
}

/** An aggregate over `tickets` with the place names joined (and, with `withEvents`, the history). */
function joinNames(pipeline: any, withEvents: boolean): any {
  let p = pipeline
  for (const l of NAME_LOOKUPS) p = p.lookup({ from: l.from, localField: l.localField, foreignField: '_id', as: l.as })
  if (withEvents) p = p.lookup({ from: 'ticketEvents', localField: '_id', foreignField: 'ticketId', as: '_events' })
  return p
}

/**
 * What the detail view needs after a change of a loaded ticket: the names, and the history read
 * plus the entry just written (when the change was decided on the version that was read; else
 * the history is read again).
 */
export function afterChange(loaded: LoadedTicket, res: { before: TicketRecord; event: TicketEventRecord }): { names: Names; events?: TicketEventRecord[] } {
  const same = res.before.seq === loaded.ticket.seq
  return { names: loaded.names, events: same ? [...loaded.events, res.event] : undefined }
}

export interface LoadedTicket {
  ticket: TicketRecord
  names: Names
  events: TicketEventRecord[]
  /** With `people`: those scoped to the ticket's community, company or compound (notify.ts peopleOf picks a party's). */
  people?: PlacePerson[]
}

/**
 * The read of one ticket with its place names and its whole history, as a part of a combined read
 * (server/core/together.ts: with the caller's users document, `identity: 'withFirstRead'`) or on
 * its own. `people`: also the people of its three parties (for the messages a change sends).
 */
export function ticketPart(ticketId: string, people = false): Part {
  return {
    collection: 'tickets',
    build: (pipeline) => {
      let p = joinNames(pipeline.match({ _id: ticketId }).limit(1), true)
      if (people) {
        const $ = db().command.aggregate
        // A ticket without a company must join no one (a missing local field would match every user
        // without company scopes), hence a key no user carries.
        p = p
          .addFields({ _companyKey: $.cond({ if: '$companyId', then: '$companyId', else: '-' }) })
          .lookup({ from: 'users', localField: 'communityId', foreignField: 'scopes.communityIds', as: '_communityPeople' })
          .lookup({ from: 'users', localField: '_companyKey', foreignField: 'scopes.companyIds', as: '_companyPeople' })
          .lookup({ from: 'users', localField: 'gridId', foreignField: 'scopes.gridIds', as: '_gridPeople' })
      }
      return p
    }
  }
}

/** The ticket of a `ticketPart` read; null when missing. */
export function loadedOf(rows: Record<string, any>[], people = false): LoadedTicket | null {
  const { tickets, names, events } = unjoin(rows as Joined[])
  if (!tickets[0]) return null
  const joined = rows[0] as Joined
  const pick = (u: PlacePerson): PlacePerson => ({ _id: u._id, roles: u.roles, scopes: u.scopes })
  return {
    ticket: tickets[0],
    names,
    events: events.get(tickets[0]._id) ?? [],
    people: people ? [...(joined._communityPeople ?? []), ...(joined._companyPeople ?? []), ...(joined._gridPeople ?? [])].map(pick) : undefined
  }
}

/**
 * The caller and the ticket in ONE round trip (`identity: 'withFirstRead'`): access to the action
 * is checked by the shell's rules on the caller read with it.
 */
export async function loadTicketWithCaller(ctx: FirstReadContext, ticketId: string, people = false): Promise<{ caller: Caller; loaded: LoadedTicket | null }> {
  const { caller, docs } = await ctx.readWithCaller({ ticket: ticketPart(ticketId, people) })
  return { caller, loaded: loadedOf(docs.ticket, people) }
}

/** A page of tickets with their place names, in one round trip. */
export async function pageWithNames(where: unknown, order: { field: string; dir: 1 | -1 }, skip: number, limit: number): Promise<{ tickets: TicketRecord[]; names: Names }> {
  const base = db().collection('tickets').aggregate().match(where).sort({ [order.field]: order.dir }).skip(skip).limit(limit)
  const res = await joinNames(base, false).end()
  const { tickets, names } = unjoin((res as { list: Joined[] }).list)
  return { tickets, names }
}

export async function namesFor(tickets: TicketRecord[]): Promise<Names> {
  const [grids, buildings, communities, companies] = await Promise.all([
    namesById('grids', tickets.map((t) => t.gridId)),
    namesById('buildings', tickets.map((t) => t.buildingId ?? '')),
    namesById('communities', tickets.map((t) => t.communityId)),
    namesById('companies', tickets.map((t) => t.companyId ?? ''))
  ])
  return { grids, buildings, communities, companies }
}

export async function photoViews(fileIDs: string[]): Promise<Photo[]> {
  return Promise.all(fileIDs.map(async (fileID) => ({ fileID, url: await platform().files.url(fileID) })))
}

function partyNames(t: TicketRecord, names: Names) {
  return {
    companyName: t.companyId ? names.companies.get(t.companyId) : undefined,
    gridName: names.grids.get(t.gridId) ?? '',
    communityName: names.communities.get(t.communityId) ?? ''
  }
}

/** What the viewer may do now; the actions enforce the same rules. */
export function actionsOf(t: TicketRecord, rel: Relation): TicketActions {
  const open = OPEN_STATUSES.includes(t.status)
  const handoverTo = availableParties(t).filter((p) => p !== t.party)
  return {
    accept: rel.lead && t.status === 'submitted',
    resolve: rel.lead && open,
    handover: (rel.lead || rel.staff) && open && handoverTo.length > 0,
    close: open && (rel.staff || rel.reporter),
    comment: t.status !== 'closed' && (rel.reporter || rel.parties.length > 0 || rel.district),
    confirm: rel.reporter && t.status === 'resolved',
    reopen: rel.reporter && t.status === 'resolved',
    handoverTo: rel.lead || rel.staff ? handoverTo : []
  }
}

export function summaryOf(t: TicketRecord, caller: Caller, names: Names, cover?: Photo): TicketSummary {
  const rel = relationOf(caller, t)
  return {
    _id: t._id,
    category: t.category,
    description: t.description,
    status: t.status,
    closeReason: t.closeReason ?? undefined,
    isDispute: t.isDispute,
    communityId: t.communityId,
    gridId: t.gridId,
    gridName: names.grids.get(t.gridId) ?? '',
    buildingId: t.buildingId ?? undefined,
    buildingName: t.buildingId ? names.buildings.get(t.buildingId) : undefined,
    party: t.party,
    partyName: partyName(t.party, partyNames(t, names)),
    reporterName: rel.full || t.showName ? t.reporterName : '居民',
    mine: rel.reporter,
    lead: rel.lead,
    cover,
    photoCount: t.photos.length,
    createdAt: iso(t.createdAt)!,
    acceptBy: iso(t.acceptBy)!,
    resolveBy: iso(t.resolveBy)!,
    acceptedAt: iso(t.acceptedAt),
    resolvedAt: iso(t.resolvedAt),
    closedAt: iso(t.closedAt),
    overdue: overdueOf(t, clock.now()),
    escalated: t.escalated,
    rating: t.rating ?? undefined,
    reopenCount: t.reopenCount
  }
}

/** The ticket's whole history (`historyOf`: with the first entry the ticket carries). */
export async function loadEvents(t: TicketRecord): Promise<TicketEventRecord[]> {
  const out: TicketEventRecord[] = []
  for (let skip = 0; skip < 500; skip += 100) {
    const res = await db().collection('ticketEvents').where({ ticketId: t._id }).orderBy('seq', 'asc').skip(skip).limit(100).get()
    out.push(...(res.data as TicketEventRecord[]))
    if (res.data.length < 100) break
  }
  return historyOf(t, out)
}

/** Public form: the parties' progress; never the reporter's own notes, internal notes or staff names. */
function publicEvent(e: TicketEventRecord): boolean {
  if (e.internal) return false
  if (e.kind === 'comment' && (e.actor === 'reporter' || e.actor === 'resident' || e.actor === 'district')) return false
  return true
}

/**
 * The detail view. `known`: names and history already read (loadTicketWithCaller, plus any event just
 * written), so the view costs no further round trip.
 */
export async function detailOf(t: TicketRecord, caller: Caller, known?: { names: Names; events?: TicketEventRecord[] }): Promise<TicketDetail> {
  const rel = relationOf(caller, t)
  const [names, events, photos] = await Promise.all([known ? known.names : namesFor([t]), known?.events ?? loadEvents(t), photoViews(t.photos)])
  const pn = partyNames(t, names)
  const shown = rel.full ? events : events.filter(publicEvent)
  const reporterShown = rel.full || t.showName ? t.reporterName : '居民'
  const eventViews: TicketEvent[] = await Promise.all(
    shown.map(async (e) => {
      let actorName: string
      if (e.actor === 'property_company' || e.actor === 'owners_committee' || e.actor === 'residents_committee') {
        const org = partyName(e.actor, pn)
        actorName = rel.full ? `${org} · ${e.actorName}` : org
      } else if (e.actor === 'reporter') actorName = reporterShown
      else if (e.actor === 'system') actorName = '系统'
      else if (e.actor === 'district') actorName = rel.full ? `区级 · ${e.actorName}` : '区级管理员'
      else actorName = rel.full ? e.actorName : '居民'
      const publicNote = rel.full || e.kind !== 'reopened'
      return {
        _id: e._id,
        kind: e.kind,
        at: iso(e.at)!,
        actor: e.actor,
        actorName,
        note: publicNote ? (e.note ?? undefined) : undefined,
        photos: await photoViews(e.photos ?? []),
        from: e.from ?? undefined,
        to: e.to ?? undefined,
        party: e.party ?? undefined,
        internal: e.internal || undefined,
        rating: e.rating ?? undefined
      }
    })
  )
  const summary = summaryOf(t, caller, names, photos[0])
  return {
    ...summary,
    communityName: pn.communityName,
    photos,
    showName: t.showName,
    ratingComment: t.ratingComment ?? undefined,
    // Masked, for the handling parties only (they call back through `revealMobile`, audited).
    reporter: rel.full ? { name: t.reporterName, mobile: rel.parties.length > 0 ? maskMobile(t.reporterMobile ?? undefined) : undefined } : undefined,
    events: eventViews,
    actions: actionsOf(t, rel),
    full: rel.full
  }
}
