/**
 * 政策宣讲与通知 at ten times the seed (7 × 10 communities, 7,650 buildings, 44,030 registered members
 * in `users`): the district admin publishes a district-wide notice, half of the population opens it
 * — each through `notices.get`, the real read path (deterministic read `_id`, the notice's tallies) —
 * then:
 *   - `readStats` of that notice for the district admin (rows per community), p99;
 *   - `list` for members (their first page: district, community, grid and building notices), p99.
 * Also reported: the first `readStats` (which counts the audience over all of `users`; the count is
 * then kept for 5 minutes), a staff member's community-level coverage (live aggregates), `get`
 * throughput while opening, and `unreadCount`.
 *
 * The population's openids are the 报到 seed's (`seed-member-<n>`, emulator/seed/members.ts); the
 * few still pending review are not users yet, so their opens count as readers without a known
 * residence.
 */
import { DEFAULT_REGISTRATION_TARGET } from '../../contracts/members'
import { load, mb, ms, perSecond, startBenchCloud, type BenchResult, type Scenario } from './lib'

const TARGET_MS = 100

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint()
  const value = await run()
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value }
}

async function noticesAtScale(scale: number): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale })
  try {
    const members = DEFAULT_REGISTRATION_TARGET * scale
    const openid = (n: number) => `seed-member-${n}`
    const published = await cloud.call('notices', 'publish', {
      title: '关于开展《物业管理条例》宣讲进小区、进家庭活动的通知（压测）',
      category: '物业政策',
      body: '<h2>宣讲安排</h2><p>各社区"大党委"组织各网格党支部、楼栋党小组开展宣讲。</p><ul><li>业主的权利和义务</li><li>物业服务收费</li></ul>',
      audience: 'district'
    }, 'demo-admin')
    if (!published.ok) throw new Error(`publish failed: ${JSON.stringify(published.error)}`)
    const noticeId = published.data.noticeId as string

    // Half of the population opens it (every other member), 20 at a time.
    const readers = Array.from({ length: Math.floor(members / 2) }, (_, i) => openid(2 * i + 1))
    const opens = await load({ concurrency: 20, total: readers.length, call: (i) => cloud.call('notices', 'get', { noticeId }, readers[i]) })
    if (Object.keys(opens.failures).length) throw new Error(`opening failed: ${JSON.stringify(opens.failures)}`)

    const cold = await timed(() => cloud.call('notices', 'readStats', { noticeId }, 'demo-admin'))
    if (!cold.value.ok) throw new Error(`readStats failed: ${JSON.stringify(cold.value.error)}`)
    const stats = cold.value.data as { audience: number; read: number; otherReaders: number; byCommunity: unknown[] }

    const readStats = await load({ concurrency: 10, total: 1000, call: () => cloud.call('notices', 'readStats', { noticeId }, 'demo-admin') })
    const community = await load({ concurrency: 10, total: 300, call: () => cloud.call('notices', 'readStats', { noticeId }, 'demo-staff') })
    await load({ concurrency: 10, total: 200, call: (i) => cloud.call('notices', 'list', { page: 1, pageSize: 20 }, openid(1 + ((i * 7919) % members))) })
    const list = await load({ concurrency: 10, total: 3000, call: (i) => cloud.call('notices', 'list', { page: 1, pageSize: 20 }, openid(1 + ((i * 104729) % members))) })
    const list50 = await load({ concurrency: 50, total: 3000, call: (i) => cloud.call('notices', 'list', { page: 1, pageSize: 20 }, openid(1 + ((i * 15485863) % members))) })
    const unread = await load({ concurrency: 10, total: 1000, call: (i) => cloud.call('notices', 'unreadCount', {}, openid(1 + ((i * 7907) % members))) })
    const ok = (r: { failures: Record<string, number> }) => Object.keys(r.failures).length === 0
    return {
      title: `通知: readStats of a district-wide notice read by half of a scale-${scale} population, and members' lists`,
      rows: [
        { metric: 'population with a known residence (audience)', value: String(stats.audience) },
        { metric: 'opened it (`get`, 20 concurrent)', value: `${opens.count} in ${opens.seconds.toFixed(0)} s (${perSecond(opens.perSecond)}, p99 ${ms(opens.p99)})` },
        { metric: 'readers counted (with a residence / without)', value: `${stats.read} / ${stats.otherReaders}`, target: `${opens.count} in all`, pass: stats.read + stats.otherReaders === opens.count },
        { metric: 'readStats, first call (counts the audience over all users)', value: ms(cold.ms) },
        { metric: 'readStats p50 (district admin, 10 concurrent)', value: ms(readStats.p50) },
        { metric: 'readStats p99 (district admin, 10 concurrent)', value: ms(readStats.p99), target: `< ${TARGET_MS} ms`, pass: ok(readStats) && readStats.p99 < TARGET_MS },
        { metric: 'readStats p99 (staff, one community per grid and building, live)', value: ms(community.p99) },
        { metric: 'list p50 (members, 10 concurrent)', value: ms(list.p50) },
        { metric: 'list p99 (members, 10 concurrent)', value: ms(list.p99), target: `< ${TARGET_MS} ms`, pass: ok(list) && list.p99 < TARGET_MS },
        { metric: 'list p99 (members, 50 concurrent)', value: `${ms(list50.p99)} (${perSecond(list50.perSecond)})` },
        { metric: 'unreadCount p99 (members, 10 concurrent)', value: ms(unread.p99) },
        { metric: 'emulator peak memory', value: mb(cloud.peakMemoryMb()) }
      ],
      notes: [
        `The district-level figures per community: reads from the notice's own tallies (one atomic _.inc per first read; the ${stats.read + stats.otherReaders} read records stay the source), audience sizes from one indexed count() per community over \`users\`, kept for 5 minutes — the first call above pays for that count; the p99 rows are the calls after it.`,
        'A member\'s list is matched in the database: `audienceKeys` ∈ the member\'s place keys (indexed), roles, state and time window; their read flags by `_id` lookup.'
      ]
    }
  } finally {
    await cloud.stop()
  }
}

export const noticesScenarios: Scenario[] = [{ name: 'notices-scale-10', run: () => noticesAtScale(10) }]
