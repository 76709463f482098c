/**
 * 邻里中心 benchmarks (issue #5), on the emulator over HTTP at scale 1:
 * - availability of every room of the district's centres over 14 days (p50 / p99 per call);
 * - the 200-way booking race: 200 residents book the same slot at once (time; 1 booked, 199 CONFLICT).
 */
import { load, ms, perSecond, startBenchCloud, type BenchCloud, type BenchResult, type Scenario } from './lib'

const PERSONAS = ['demo-resident', 'demo-member', 'demo-staff', 'demo-admin']

async function allRooms(cloud: BenchCloud): Promise<string[]> {
  const rooms: string[] = []
  for (let page = 1; ; page++) {
    const list = await cloud.call('centers', 'list', { status: 'all', page, pageSize: 100 }, 'demo-admin')
    if (!list.ok) throw new Error(`centers.list failed: ${list.error?.message}`)
    for (const c of list.data.items) {
      const detail = await cloud.call('centers', 'get', { centerId: c.id }, 'demo-admin')
      if (!detail.ok) throw new Error(`centers.get failed: ${detail.error?.message}`)
      rooms.push(...detail.data.rooms.map((r: { id: string }) => r.id))
    }
    if (page * 100 >= list.data.total) return rooms
  }
}

async function availability(): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale: 1 })
  try {
    const rooms = await allRooms(cloud)
    const call = (i: number) => cloud.call('centers', 'availability', { roomId: rooms[i % rooms.length], days: 14 }, PERSONAS[i % PERSONAS.length])
    await load({ concurrency: 4, total: rooms.length, call }) // warm-up
    // Per-call latency: one resident at a time opening each room's page, every room five times.
    const one = await load({ concurrency: 1, total: rooms.length * 5, call })
    // The same under load: eight at once (2-core machine; informational).
    const eight = await load({ concurrency: 8, total: rooms.length * 5, call })
    return {
      title: 'centers.availability: every room of the 60 centres, 14 days ahead (scale 1)',
      rows: [
        { metric: 'rooms (of the built and accepted centres)', value: String(rooms.length) },
        { metric: 'calls', value: `${one.count + eight.count}`, target: 'all ok', pass: Object.keys(one.failures).length + Object.keys(eight.failures).length === 0 },
        { metric: 'p50 per call', value: ms(one.p50) },
        { metric: 'p99 per call', value: ms(one.p99), target: '< 50 ms', pass: one.p99 < 50 },
        { metric: 'with 8 concurrent clients: throughput', value: perSecond(eight.perSecond) },
        { metric: 'with 8 concurrent clients: p50 / p99', value: `${ms(eight.p50)} / ${ms(eight.p99)}` }
      ],
      notes: ['Each call returns the 14 days of one room (about 180–360 slots) with its free, pending, booked and blocked states; it also runs the lazy no-show sweep for the room.']
    }
  } finally {
    await cloud.stop()
  }
}

async function race(): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale: 1 })
  try {
    const room = await cloud.call('centers', 'saveRoom', { centerId: 'ctr-c1g1', name: '压测活动室', capacity: 50, weeklyQuota: 2 }, 'demo-staff')
    if (!room.ok) throw new Error(`saveRoom failed: ${room.error?.message}`)
    const av = await cloud.call('centers', 'availability', { roomId: room.data.id, days: 7 }, 'demo-resident')
    if (!av.ok) throw new Error(`availability failed: ${av.error?.message}`)
    const slot = av.data.days.flatMap((d: { slots: { start: string; bookable: boolean }[] }) => d.slots).find((s: { bookable: boolean }) => s.bookable)
    if (!slot) throw new Error('no bookable slot in the coming week')
    const started = process.hrtime.bigint()
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => cloud.call('centers', 'book', { roomId: room.data.id, start: slot.start, slots: 1, purpose: '压测预约', attendees: 5 }, `bench-racer-${i}`))
    )
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const ok = replies.filter((r) => r.ok).length
    const conflicts = replies.filter((r) => !r.ok && r.error?.code === 'CONFLICT').length
    return {
      title: 'centers.book: 200 residents race for one slot (scale 1)',
      rows: [
        { metric: 'wall time for 200 parallel calls', value: ms(seconds * 1000) },
        { metric: 'booked', value: String(ok), target: '1', pass: ok === 1 },
        { metric: 'CONFLICT', value: String(conflicts), target: '199', pass: conflicts === 199 }
      ]
    }
  } finally {
    await cloud.stop()
  }
}

export const centersScenarios: Scenario[] = [
  { name: 'centers-availability', run: availability },
  { name: 'centers-race', run: race }
]
