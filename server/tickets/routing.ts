import {
  DEFAULT_ROUTING,
  TICKET_CATEGORIES,
  type Party,
  type RoutingRule,
  type RoutingRuleView,
  type TicketCategory
} from '../../contracts/tickets'
import { clock } from '../core/clock'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import type { Place } from './places'
import { iso } from './model'

/**
 * Routing rules: collection `routingRules`, `_id` = category. A category without a stored rule
 * uses DEFAULT_ROUTING (contracts/tickets.ts). The district admin changes a rule with
 * `tickets.setRule`; a change applies to tickets created afterwards (a ticket keeps the
 * deadlines it was given).
 */
interface RuleDoc extends RoutingRule {
  _id: TicketCategory
  updatedAt: Date
  updatedBy: string
}

/** The rule of a category from its stored document (read elsewhere), or the default. */
export function ruleOf(category: TicketCategory, doc: Pick<RuleDoc, 'leadParty' | 'acceptHours' | 'resolveHours'> | null | undefined): RoutingRule {
  return doc ? { category, leadParty: doc.leadParty, acceptHours: doc.acceptHours, resolveHours: doc.resolveHours } : DEFAULT_ROUTING[category]
}

export async function listRules(): Promise<RoutingRuleView[]> {
  const res = await db().collection('routingRules').limit(100).get()
  const stored = new Map((res.data as RuleDoc[]).map((doc) => [doc._id, doc]))
  return TICKET_CATEGORIES.map((category) => {
    const doc = stored.get(category)
    if (!doc) return { ...DEFAULT_ROUTING[category], isDefault: true }
    return {
      category,
      leadParty: doc.leadParty,
      acceptHours: doc.acceptHours,
      resolveHours: doc.resolveHours,
      isDefault: false,
      updatedAt: iso(doc.updatedAt),
      updatedBy: doc.updatedBy
    }
  })
}

export async function setRule(caller: Caller, rule: RoutingRule): Promise<RoutingRuleView> {
  const now = clock.date()
  const data = { leadParty: rule.leadParty, acceptHours: rule.acceptHours, resolveHours: rule.resolveHours, category: rule.category, updatedAt: now, updatedBy: caller.user?.profile.name ?? caller.openid }
  await db().collection('routingRules').doc(rule.category).set({ data })
  return { ...rule, isDefault: false, updatedAt: now.toISOString(), updatedBy: data.updatedBy }
}

/**
 * The party that leads a new ticket: the rule's party if the compound has it; a compound without a
 * property company (self-managed / entrusted) or without an owners' committee falls back to the
 * 居委会, which leads what the missing party would.
 */
export function leadPartyFor(rule: RoutingRule, place: Pick<Place, 'company' | 'hasOwnersCommittee'>): Party {
  if (rule.leadParty === 'property_company' && !place.company) return 'residents_committee'
  if (rule.leadParty === 'owners_committee' && !place.hasOwnersCommittee) return 'residents_committee'
  return rule.leadParty
}
