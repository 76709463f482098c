/**
 * How progress against a 报到 target is shown, without zod: the district subpackage (charts,
 * ≤ 400 KB) carries no zod runtime (issue #15). contracts/members.ts re-exports it.
 */

/** What is shown instead of a percentage for a community the district has given no target. */
export const NO_TARGET_LABEL = '未设目标'
/** "101.3%", or 未设目标 for a community the district gave no target (never a made-up percentage). */
export const targetPercentText = (percent: number | null) => (percent === null ? NO_TARGET_LABEL : `${percent}%`)

/**
 * Progress against a target in percent, to one decimal (approved ÷ target × 100); null without a
 * target — shown as 未设目标, never as a made-up percentage.
 */
export function progressPercent(approved: number, target: number | null | undefined): number | null {
  if (!target || target <= 0) return null
  return Math.round((approved / target) * 1000) / 10
}
