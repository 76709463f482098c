/**
 * 在职党员报到 under load: the seed document's 4,403 in-service members register at once through
 * their communities' codes (50 concurrent clients), then staff approve every one (50 concurrent
 * reviewers). Counted through `members.stats` (district admin) before and after each phase: exactly
 * 4,403 more pending, then exactly 4,403 more approved and the pending back where it was.
 */
import { load, mb, ms, perSecond, startBenchCloud, type BenchResult, type LoadResult, type Scenario } from './lib'

const MEMBERS = 4403
const CONCURRENCY = 50
const THROUGHPUT_TARGET = 200 // per second, each phase
const P99_TARGET = 300 // ms, each phase (50 clients queueing on one emulator process)

interface Progress {
  registered: number
  approved: number
  pending: number
}

async function registerAndApprove(): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale: 1 })
  try {
    const district = async (): Promise<Progress> => {
      const reply = await cloud.call('members', 'stats', {}, 'demo-admin')
      if (!reply.ok) throw new Error(`stats failed: ${reply.error?.message}`)
      return reply.data.district
    }
    // The communities' codes and compounds, as the posters and the form would give them.
    const communities: { scene: string; grids: { id: string; buildings: { id: string }[] }[] }[] = []
    for (let c = 1; c <= 7; c++) {
      const code = await cloud.call('qrcodes', 'community', { communityId: `c${c}` }, 'demo-admin')
      if (!code.ok) throw new Error(`qrcodes.community failed: ${code.error?.message}`)
      const form = await cloud.call('members', 'scene', { scene: code.data.scene }, 'bench-probe')
      if (!form.ok) throw new Error(`members.scene failed: ${form.error?.message}`)
      communities.push(form.data)
    }
    const before = await district()

    const registerInput = (i: number) => {
      const community = communities[i % communities.length]
      const grid = community.grids[Math.floor(i / communities.length) % community.grids.length]
      const building = grid.buildings[i % grid.buildings.length]
      return {
        scene: community.scene,
        name: `压测党员${i + 1}`,
        mobile: `135${String(i + 1).padStart(8, '0')}`,
        workUnit: '区机关事务管理局',
        partyOrg: '区机关事务管理局党支部',
        gridId: grid.id,
        buildingId: building.id,
        unit: '1',
        room: `${(i % 18) + 1}01`,
        skills: ['水电维修'],
        services: ['environment'],
        consent: true
      }
    }
    const ids: string[] = new Array(MEMBERS)
    const registered = await load({
      concurrency: CONCURRENCY,
      total: MEMBERS,
      call: async (i) => {
        const reply = await cloud.call('members', 'register', registerInput(i), `bench-member-${i + 1}`)
        if (reply.ok) ids[i] = reply.data.registration.id
        return reply
      }
    })
    const afterRegister = await district()

    // Staff would find these in their queues; the ids were returned by register.
    const approved = await load({
      concurrency: CONCURRENCY,
      total: MEMBERS,
      call: (i) => cloud.call('members', 'review', { registrationId: ids[i], decision: 'approve' }, 'demo-admin')
    })
    const afterApprove = await district()
    const peak = cloud.peakMemoryMb()

    const pendingAdded = afterRegister.pending - before.pending
    const approvedAdded = afterApprove.approved - before.approved
    const phaseRows = (label: string, r: LoadResult) => [
      { metric: `${label}: calls ok`, value: `${r.count - Object.values(r.failures).reduce((a, n) => a + n, 0)} / ${r.count}`, target: 'all', pass: Object.keys(r.failures).length === 0 },
      { metric: `${label}: throughput`, value: perSecond(r.perSecond), target: `≥ ${THROUGHPUT_TARGET}/s`, pass: r.perSecond >= THROUGHPUT_TARGET },
      { metric: `${label}: p50 latency`, value: ms(r.p50) },
      { metric: `${label}: p99 latency`, value: ms(r.p99), target: `< ${P99_TARGET} ms`, pass: r.p99 < P99_TARGET }
    ]
    return {
      title: `在职党员报到: ${MEMBERS} registrations by ${CONCURRENCY} concurrent clients, then their approval (scale 1)`,
      rows: [
        ...phaseRows('register', registered),
        { metric: 'pending registrations added', value: String(pendingAdded), target: String(MEMBERS), pass: pendingAdded === MEMBERS },
        ...phaseRows('approve', approved),
        { metric: 'approved registrations added', value: String(approvedAdded), target: String(MEMBERS), pass: approvedAdded === MEMBERS },
        { metric: 'pending after approval', value: String(afterApprove.pending), target: String(before.pending), pass: afterApprove.pending === before.pending },
        { metric: 'emulator peak memory', value: mb(peak), target: '< 600 MB', pass: peak < 600 }
      ],
      notes: [
        `District before: ${before.registered} registered (${before.approved} approved, ${before.pending} pending); after: ${afterApprove.registered} registered (${afterApprove.approved} approved, ${afterApprove.pending} pending).`,
        Object.keys(registered.failures).length || Object.keys(approved.failures).length
          ? `Failures: register ${JSON.stringify(registered.failures)}, approve ${JSON.stringify(approved.failures)}.`
          : 'No failed calls.'
      ]
    }
  } finally {
    await cloud.stop()
  }
}

export const membersScenarios: Scenario[] = [{ name: 'members-register-approve', run: registerAndApprove }]
