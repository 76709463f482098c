import { verifyInput, type verifyManyInput } from '../../contracts/activities'
import type { BatchReply } from '../../contracts/batch'
import type { z } from '../../contracts/zod'
import { audit } from '../core/audit'
import { runBatch } from '../core/batch'
import type { FirstReadContext } from '../core/function'
import { RECORDS } from './model'
import { verifyRecord } from './records'

type VerifyManyData = z.output<typeof verifyManyInput>

const DECIDED: Record<VerifyManyData['decision'], string> = { approve: '批量认定', adjust: '批量调整后认定', decline: '批量不予认定' }

/**
 * 批量认定 (the back office, docs/back-office.md §4): `verify` itself for each record — its
 * four-eyes guards (never one's own hours, nor hours one entered), history entry, volunteer number
 * and message — four at a time, with per-id outcomes. The batch is written to the audit log (one
 * entry per community whose records it decided; the district's own records under no community).
 *
 * Round trips: those of the singles (each: its read with the caller's, the guarded update, the
 * message; a first-timer's volunteer number two more; a reason's content check is a platform call)
 * plus the audit entry: 20 records ≤ 20 × 5 + 1 ≈ 100 round trips, four at a time ≈ 25 × 20 ms
 * = 0.5 s at 20 ms a round trip (≈ 2 s even one at a time), inside `activities`' 10 s
 * (scripts/deploy/functions.ts INTERACTIVE).
 */
export async function verifyMany(input: VerifyManyData, ctx: FirstReadContext): Promise<BatchReply> {
  const { results, done, caller } = await runBatch(
    ctx,
    input.recordIds,
    verifyInput,
    (recordId) => ({ recordId, decision: input.decision, minutes: input.minutes, reason: input.reason }),
    (one, itemCtx) => verifyRecord(itemCtx, one)
  )
  const byCommunity = new Map<string, { id: string; name: string }[]>()
  for (const { id, value } of done) {
    const key = value.communityId ?? ''
    const list = byCommunity.get(key) ?? []
    list.push({ id, name: value.name })
    byCommunity.set(key, list)
  }
  await Promise.all(
    [...byCommunity].map(([communityId, decided]) =>
      audit(caller, {
        action: 'activities.verifyMany',
        target: { collection: RECORDS, id: decided[0].id, label: decided.length > 1 ? `${decided[0].name}等${decided.length}条` : decided[0].name },
        ...(communityId ? { communityId } : {}),
        detail: {
          decision: input.decision,
          ids: decided.map((d) => d.id),
          rows: decided.length,
          reason: input.reason ? `${DECIDED[input.decision]}：${input.reason}` : DECIDED[input.decision]
        }
      })
    )
  )
  return { results }
}
