/**
 * 志愿服务 check-in at the seed's scale: the district's 4,403 in-service party members sign up for
 * one large activity, then all check in through 50 concurrent clients by scanning the organiser's
 * rotating code (renewed every 30 s, as the staff page does). Measured: check-ins per second and
 * latency; checked: exactly 4,403 service records afterwards, and a second scan by 500 of them
 * changes nothing (none lost, none doubled).
 */
import { load, mb, ms, perSecond, startBenchCloud, type BenchResult, type Scenario } from './lib'

const MEMBERS = 4403
const CONCURRENCY = 50

function wallTime(at: number): string {
  // Asia/Shanghai wall-clock "YYYY-MM-DD HH:mm" (the activities contract's input format).
  const d = new Date(at + 8 * 3_600_000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
}

async function checkInRush(): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale: 1 })
  try {
    const now = Date.now()
    const created = await cloud.call('activities', 'create', {
      title: '在职党员集中服务日',
      category: '文明创建',
      description: '全体在职党员到居住地社区集中开展志愿服务',
      start: wallTime(now + 20 * 60_000),
      end: wallTime(now + 4 * 3_600_000),
      signUpDeadline: wallTime(now + 10 * 60_000),
      place: { name: '东风社区党群服务中心广场' },
      capacity: 5000
    }, 'demo-staff')
    if (!created.ok) throw new Error(`create failed: ${JSON.stringify(created.error)}`)
    const activityId: string = created.data._id
    // The members seed's openids (seed-member-1 … 4403; one of them is demo-member's place, so one
    // openid has no user record: a resident, who does the 志愿者实名登记 once when the sign-up asks
    // for it — REGISTRATION_REQUIRED — and signs up again; the activity allows residents).
    const member = (i: number) => `seed-member-${i + 1}`
    const signUp = async (i: number) => {
      const reply = await cloud.call('activities', 'signUp', { activityId }, member(i))
      if (reply.ok || reply.error?.code !== 'REGISTRATION_REQUIRED') return reply
      const joined = await cloud.call('activities', 'joinVolunteers', { name: '居民志愿者', mobile: `139${String(i).padStart(8, '0')}`, consent: true }, member(i))
      return joined.ok ? cloud.call('activities', 'signUp', { activityId }, member(i)) : joined
    }

    const signUps = await load({ concurrency: CONCURRENCY, total: MEMBERS, call: signUp })

    let token = ''
    const renew = async () => {
      const reply = await cloud.call('activities', 'checkinCode', { activityId }, 'demo-staff')
      if (!reply.ok) throw new Error(`checkinCode failed: ${JSON.stringify(reply.error)}`)
      token = reply.data.token
    }
    await renew()
    const timer = setInterval(() => void renew().catch((e) => console.error(e)), 30_000)
    let r
    try {
      r = await load({ concurrency: CONCURRENCY, total: MEMBERS, call: (i) => cloud.call('activities', 'checkIn', { token }, member(i)) })
    } finally {
      clearInterval(timer)
    }
    const detail = await cloud.call('activities', 'get', { activityId }, 'demo-staff')
    const records: number = detail.ok ? detail.data.stats.checkedIn : NaN
    await renew()
    const repeat = await load({ concurrency: CONCURRENCY, total: 500, call: (i) => cloud.call('activities', 'checkIn', { token }, member(i * 8)) })
    const after = await cloud.call('activities', 'get', { activityId }, 'demo-staff')
    const recordsAfterRepeat: number = after.ok ? after.data.stats.checkedIn : NaN
    const peak = cloud.peakMemoryMb()
    const failed = Object.entries(r.failures).map(([code, n]) => `${code} ${n}`).join(', ')
    return {
      title: `志愿服务: ${MEMBERS} members check in to one activity through ${CONCURRENCY} concurrent clients (scale 1)`,
      rows: [
        { metric: 'sign-ups beforehand', value: `${signUps.count} in ${signUps.seconds.toFixed(1)} s (${perSecond(signUps.perSecond)}, p99 ${ms(signUps.p99)})`, target: 'all ok', pass: Object.keys(signUps.failures).length === 0 },
        { metric: 'check-ins', value: `${r.count}${failed ? ` (failed: ${failed})` : ''}`, target: 'all ok', pass: Object.keys(r.failures).length === 0 },
        { metric: 'check-in throughput', value: perSecond(r.perSecond), target: '≥ 500/s', pass: r.perSecond >= 500 },
        { metric: 'check-in p50 latency', value: ms(r.p50) },
        { metric: 'check-in p99 latency', value: ms(r.p99) },
        { metric: 'service records afterwards', value: String(records), target: String(MEMBERS), pass: records === MEMBERS },
        { metric: 'records after 500 repeated scans', value: String(recordsAfterRepeat), target: String(MEMBERS), pass: recordsAfterRepeat === MEMBERS && Object.keys(repeat.failures).length === 0 },
        { metric: 'emulator peak memory', value: mb(peak) }
      ],
      notes: ['Each check-in verifies the HMAC token, reads the caller, the activity and the sign-up, and adds the record with its deterministic `_id` (`activityId:openid`).']
    }
  } finally {
    await cloud.stop()
  }
}

export const activitiesScenarios: Scenario[] = [{ name: 'activities-checkin', run: checkInRush }]
