/**
 * Demo notices: the district's 《物业管理条例》宣讲 (district-wide, pinned, important), and in 东风社区
 * (c1) a gas-safety reminder, a water cut in 锦绣花园, a stairwell-clearing notice for 锦绣花园 2号楼
 * only (c1g1b2, where demo-member lives), a 主题党日 notice for members only, a neighbourhood event,
 * one scheduled for later and one withdrawn; 红旗社区 (c2) has its own. Built with the server's own
 * sanitiser and audience rules so they are exactly what `publish` would store.
 *
 * Reads: where the store can be queried (the emulator's Store), a deterministic ~40–70% of each
 * notice's audience with a known residence has read it (never demo-member or demo-resident, so the
 * demo starts with unread notices), with the notice's read tallies to match. At scale N the same
 * notices are made (the population grows, the notices do not).
 */
import { createHash } from 'node:crypto'
import type { Audience, NoticeCategory } from '../../contracts/notices'
import { audienceKeysOf, audienceRolesOf, NEVER, type NoticeRecord, type ReadRecord } from '../../server/notices/model'
import { sanitizeBody } from '../../server/notices/sanitize'
import type { DomainSeed } from './types'

const HOUR = 3_600_000
const DAY = 24 * HOUR

interface SeedNotice {
  id: string
  title: string
  category: NoticeCategory
  body: string
  audience: Partial<Audience> & { district?: boolean }
  label: string
  /** Hours before "now" (negative: scheduled in the future). */
  hoursAgo: number
  expiresInHours?: number
  pinned?: boolean
  important?: boolean
  by: 'admin' | 'staff' | 'staff2'
  withdrawn?: { reason: string; hoursAgo: number }
  edited?: { note: string; hoursAgo: number }
  /** Share of the audience that has read it. */
  readShare: number
}

const PUBLISHERS = {
  admin: { openid: 'demo-admin', name: '陈主任', orgName: '示范区' },
  staff: { openid: 'demo-staff', name: '张敏', orgName: '东风社区' },
  staff2: { openid: 'demo-staff-2', name: '赵磊', orgName: '红旗社区' }
} as const

const NOTICES: SeedNotice[] = [
  {
    id: 'seed-notice-policy',
    title: '关于开展《物业管理条例》宣讲进小区、进家庭活动的通知',
    category: 'property_policy',
    by: 'admin',
    audience: { district: true },
    label: '全区',
    hoursAgo: 72,
    pinned: true,
    important: true,
    readShare: 0.45,
    body: `<h2>《物业管理条例》宣讲进小区、进家庭</h2>
<p>为深入推进社区物业党建联建，引导居民群众知法、懂法、守法，区委组织部、区住建局决定在全区开展物业管理政策宣讲活动。</p>
<h3>一、宣讲时间</h3>
<p>12月1日至12月31日，各社区"大党委"结合实际安排，每个物业小区至少宣讲一次。</p>
<h3>二、宣讲内容</h3>
<ol><li>业主的权利和义务、业主大会和业主委员会的组建</li><li>物业服务收费、公共收益的管理和公开</li><li>房屋及公共设施设备的使用和维护</li><li>住宅专项维修资金的使用流程</li></ol>
<h3>三、工作要求</h3>
<ul><li>各网格党支部、<strong>楼栋党小组</strong>负责组织本楼栋居民参加</li><li>在职党员要带头学习，主动向邻居讲解</li><li>党员中心户做好宣传资料入户发放</li></ul>
<p>条例全文可在<a href="https://www.gov.cn/zhengce/2020-12/27/content_5574514.htm">中国政府网</a>查阅。</p>
<blockquote>物业管理人人参与，美好家园共建共享。</blockquote>`
  },
  {
    id: 'seed-notice-gas',
    title: '冬季燃气安全提示',
    category: 'safety',
    by: 'staff',
    audience: { communityIds: ['c1'] },
    label: '东风社区',
    hoursAgo: 26,
    readShare: 0.62,
    body: `<p>各位居民朋友：</p>
<p>冬季是燃气事故高发期，请大家注意以下事项：</p>
<ul><li>使用燃气时<strong>保持通风</strong>，人走火灭</li><li>定期检查燃气软管，发现老化、龟裂及时更换</li><li>闻到燃气味，立即关阀、开窗，不要开关电器、不要打电话，到室外拨打燃气抢修电话</li><li>家中有老人的，请子女多叮嘱、多检查</li></ul>
<p>社区联合物业将于本周逐户开展燃气安全检查，请大家配合。</p>`
  },
  {
    id: 'seed-notice-water',
    title: '锦绣花园二次供水水箱清洗停水通知',
    category: 'community',
    by: 'staff',
    audience: { gridIds: ['c1g1'] },
    label: '锦绣花园',
    hoursAgo: 5,
    expiresInHours: 48,
    readShare: 0.55,
    body: `<p>尊敬的锦绣花园业主：</p>
<p>为保障饮用水卫生，安居物业将对小区二次供水水箱进行清洗消毒。</p>
<p><strong>停水时间：11月29日（周六）8:00—14:00</strong></p>
<p>停水范围：1号楼至8号楼。请提前做好储水准备，来水后请先放水1至2分钟再使用。</p>
<p>如有疑问请联系物业服务中心：0551-6100001。</p>`
  },
  {
    id: 'seed-notice-stairwell',
    title: '2号楼楼道杂物清理及电动车充电安全提醒',
    category: 'safety',
    by: 'staff',
    audience: { buildingIds: ['c1g1b2'] },
    label: '锦绣花园2号楼',
    hoursAgo: 2,
    readShare: 0.5,
    body: `<p>2号楼的各位邻居：</p>
<p>近期巡查发现部分楼道堆放纸箱、旧家具，个别住户将电动车推入楼道充电，存在严重消防隐患。</p>
<ol><li>请于<strong>12月1日前</strong>自行清理楼道杂物，逾期将由物业统一清理</li><li>电动车请到小区集中充电棚充电，<strong>严禁</strong>入户、入楼道充电</li></ol>
<p>楼栋党小组和物业工作人员将于12月2日上门查看，感谢大家支持！</p>`
  },
  {
    id: 'seed-notice-party-day',
    title: '关于开展12月主题党日活动的通知',
    category: 'party_study',
    by: 'staff',
    audience: { communityIds: ['c1'], roles: ['member'] },
    label: '东风社区 · 仅在职党员',
    hoursAgo: 50,
    readShare: 0.68,
    body: `<p>各位在职党员：</p>
<p>东风社区"大党委"定于<strong>12月6日（周六）上午9:00</strong>在锦绣花园党建+邻里中心开展主题党日活动，内容如下：</p>
<ol><li>集中学习《物业管理条例》</li><li>各网格党支部交流在职党员报到服务情况</li><li>认领本月"微心愿"</li></ol>
<p>请各位党员准时参加，因故不能参加的请向所在网格党支部书记请假。</p>`
  },
  {
    id: 'seed-notice-dumplings',
    title: '冬至"邻里一家亲"包饺子活动报名',
    category: 'activity',
    by: 'staff',
    audience: { communityIds: ['c1'] },
    label: '东风社区',
    hoursAgo: 20,
    expiresInHours: 24 * 25,
    readShare: 0.4,
    body: `<p>冬至将至，东风社区邀请居民朋友们一起包饺子、话家常。</p>
<p>时间：12月21日（周日）上午9:30<br>地点：锦绣花园党建+邻里中心一楼活动室</p>
<p>名额40人，优先邀请独居老人和困难家庭，在"活动"页报名即可。欢迎在职党员和志愿者前来帮忙！</p>`
  },
  {
    id: 'seed-notice-newyear',
    title: '元旦期间物业服务安排',
    category: 'community',
    by: 'staff',
    audience: { communityIds: ['c1'] },
    label: '东风社区',
    hoursAgo: -48,
    readShare: 0,
    body: `<p>元旦期间（1月1日至1月3日），各小区物业服务中心正常值班，报修电话24小时畅通。</p>
<p>节日期间请注意用火用电安全，燃放烟花爆竹请遵守有关规定。</p>`
  },
  {
    id: 'seed-notice-power',
    title: '阳光小区停电通知',
    category: 'community',
    by: 'staff',
    audience: { gridIds: ['c1g2'] },
    label: '阳光小区',
    hoursAgo: 30,
    withdrawn: { reason: '供电公司调整检修时间，另行通知', hoursAgo: 28 },
    readShare: 0.2,
    body: `<p>接供电公司通知，11月28日9:00—17:00阳光小区线路检修停电，请提前做好准备。</p>`
  },
  {
    id: 'seed-notice-c2-renovation',
    title: '红旗社区老旧小区改造意见征集公告',
    category: 'community',
    by: 'staff2',
    audience: { communityIds: ['c2'] },
    label: '红旗社区',
    hoursAgo: 40,
    edited: { note: '修改了正文：延长征集时间', hoursAgo: 30 },
    readShare: 0.5,
    body: `<p>为做好老旧小区改造工作，现向辖区居民征集意见建议，重点包括：加装电梯、停车位规划、雨污分流、绿化提升。</p>
<p>征集时间：即日起至12月15日。可到社区服务大厅填写意见表，或联系网格员反映。</p>`
  }
]

/** A deterministic share of people: the same ones on every seed. */
const picked = (noticeId: string, openid: string, share: number) => createHash('sha1').update(`${noticeId}:${openid}`).digest()[0] / 256 < share

const NEVER_READ = new Set(['demo-member', 'demo-resident'])

export const seedNotices: DomainSeed = async (store, { now }) => {
  const nowMs = now.getTime()
  const notices: NoticeRecord[] = []
  const reads: ReadRecord[] = []
  const find = store.find ? (collection: string, q: Record<string, unknown>) => store.find!(collection, q) as Record<string, any>[] : null

  for (const n of NOTICES) {
    const body = sanitizeBody(n.body.replace(/\n/g, ''))
    const audience: Audience = { district: n.audience.district ?? false, communityIds: n.audience.communityIds ?? [], gridIds: n.audience.gridIds ?? [], buildingIds: n.audience.buildingIds ?? [], roles: n.audience.roles ?? [] }
    const communityIds = audience.district ? [] : [...new Set([...audience.communityIds, ...audience.gridIds.map((g) => g.replace(/g\d+$/, '')), ...audience.buildingIds.map((b) => b.replace(/g\d+b\d+$/, ''))])]
    const publisher = PUBLISHERS[n.by]
    const publishAt = new Date(nowMs - n.hoursAgo * HOUR)
    const expiresAt = n.expiresInHours ? new Date(nowMs + n.expiresInHours * HOUR) : null
    const history: NoticeRecord['history'] = [{ action: 'publish', at: new Date(publishAt.getTime() - (n.hoursAgo < 0 ? DAY : 0)), by: publisher.openid, byName: publisher.name, ...(n.hoursAgo < 0 ? { note: '定时发布' } : {}) }]
    if (n.edited) history.push({ action: 'update', at: new Date(nowMs - n.edited.hoursAgo * HOUR), by: publisher.openid, byName: publisher.name, note: n.edited.note })
    if (n.withdrawn) history.push({ action: 'withdraw', at: new Date(nowMs - n.withdrawn.hoursAgo * HOUR), by: publisher.openid, byName: publisher.name, note: n.withdrawn.reason })

    const record: NoticeRecord = {
      _id: n.id,
      title: n.title,
      category: n.category,
      body: body.html,
      bodyNodes: body.nodes,
      bodyText: body.text,
      attachments: [],
      audience,
      audienceLabel: n.label,
      audienceKeys: audienceKeysOf(audience),
      audienceRoles: audienceRolesOf(audience.roles),
      communityIds,
      manageKeys: audience.district ? ['district'] : communityIds,
      audienceVersion: 1,
      publishAt,
      expiresAt,
      visibleUntil: expiresAt ?? NEVER,
      pinned: n.pinned ?? false,
      important: n.important ?? false,
      status: n.withdrawn ? 'withdrawn' : 'active',
      ...(n.withdrawn ? { withdrawnAt: new Date(nowMs - n.withdrawn.hoursAgo * HOUR), withdrawnReason: n.withdrawn.reason } : {}),
      publisher,
      createdAt: history[0].at,
      updatedAt: history[history.length - 1].at,
      editedAt: n.edited ? new Date(nowMs - n.edited.hoursAgo * HOUR) : null,
      // The demo's important notice went out when it was published.
      pushState: n.important ? 'done' : 'none',
      pushCursor: '',
      pushedCount: 0,
      pushLockUntil: null,
      history,
      readCount: 0,
      readsByCommunity: {},
      housedByCommunity: {}
    }

    if (find && n.readShare > 0) {
      const conditions: Record<string, unknown>[] = [{ 'profile.buildingId': { $ne: null } }]
      if (!audience.district) {
        conditions.push({
          $or: [
            ...(audience.communityIds.length ? [{ 'profile.communityId': { $in: audience.communityIds } }] : []),
            ...(audience.gridIds.length ? [{ 'profile.gridId': { $in: audience.gridIds } }] : []),
            ...(audience.buildingIds.length ? [{ 'profile.buildingId': { $in: audience.buildingIds } }] : [])
          ]
        })
      }
      if (record.audienceRoles[0] !== 'all') conditions.push({ roles: { $in: record.audienceRoles } })
      const span = Math.max(HOUR, (n.withdrawn ? n.hoursAgo - n.withdrawn.hoursAgo : n.hoursAgo) * HOUR)
      for (const user of find('users', { $and: conditions })) {
        const openid = user._id as string
        if (NEVER_READ.has(openid) || !picked(n.id, openid, n.readShare)) continue
        const offset = (createHash('sha1').update(openid).digest().readUInt32BE(0) % 1000) / 1000
        const community = user.profile.communityId as string
        reads.push({
          _id: `${n.id}:${openid}`,
          noticeId: n.id,
          openid,
          communityId: community,
          gridId: user.profile.gridId ?? null,
          buildingId: user.profile.buildingId ?? null,
          isMember: (user.roles ?? []).includes('member'),
          readAt: new Date(publishAt.getTime() + offset * span * 0.9)
        })
        record.readCount++
        record.readsByCommunity[community] = (record.readsByCommunity[community] ?? 0) + 1
        record.housedByCommunity[community] = (record.housedByCommunity[community] ?? 0) + 1
      }
    }
    notices.push(record)
  }
  await store.insertMany('notices', notices as unknown as Record<string, unknown>[])
  if (reads.length) await store.insertMany('noticeReads', reads as unknown as Record<string, unknown>[])
}
