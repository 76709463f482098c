import { reviewInput, type reviewManyInput } from '../../contracts/members'
import type { BatchReply } from '../../contracts/batch'
import type { z } from '../../contracts/zod'
import { audit } from '../core/audit'
import { runBatch } from '../core/batch'
import type { FirstReadContext } from '../core/function'
import { REGISTRATIONS } from './model'
import { review } from './review'

type ReviewManyData = z.output<typeof reviewManyInput>

/**
 * 批量审核 (the back office, docs/back-office.md §4): `review` itself for each registration — its
 * guards (staff of the registration's community or the district admin, still pending, unedited),
 * history entry and message to the member — four at a time, with per-id outcomes. The batch is
 * also written to the audit log (one entry per community whose registrations it decided), so
 * 访问记录 answers who approved a whole list at once.
 *
 * Round trips: those of the singles (each 4: its read with the caller's, the guarded update, the
 * member's role, the message) plus the audit entry: 20 approvals are 81 round trips, four at a time
 * ≈ 5 waves × 4 × 20 ms ≈ 0.4 s at 20 ms a round trip (1.6 s even one at a time), far inside
 * `members`' 60 s (scripts/deploy/functions.ts WORKBOOK).
 */
export async function reviewMany(input: ReviewManyData, ctx: FirstReadContext): Promise<BatchReply> {
  const { results, done, caller } = await runBatch(
    ctx,
    input.registrationIds,
    reviewInput,
    (registrationId) => ({ registrationId, decision: input.decision, reason: input.reason, placement: input.placement }),
    review
  )
  const byCommunity = new Map<string, { id: string; name: string }[]>()
  for (const { id, value } of done) {
    const list = byCommunity.get(value.registration.communityId) ?? []
    list.push({ id, name: value.registration.name })
    byCommunity.set(value.registration.communityId, list)
  }
  await Promise.all(
    [...byCommunity].map(([communityId, decided]) =>
      audit(caller, {
        action: 'members.reviewMany',
        target: { collection: REGISTRATIONS, id: decided[0].id, label: decided.length > 1 ? `${decided[0].name}等${decided.length}人` : decided[0].name },
        communityId,
        detail: { decision: input.decision, ids: decided.map((d) => d.id), rows: decided.length, reason: input.decision === 'approve' ? '批量通过' : `批量驳回：${input.reason}` }
      })
    )
  )
  return { results }
}
