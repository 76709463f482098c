/**
 * The asynchronous image check end to end on the emulator: a photo is recorded as a pending check
 * when it is used (mediaCheckAsync on WeChat), WeChat's 消息推送 verdict (`wxa_media_check`, no
 * action, no user) is delivered to a function as WeChat would, and a risky image disappears from
 * every record showing it while its author is told. Also: long texts checked in chunks, and every
 * subscription message sent during the run matching its kind's declaration.
 */
import { checksOf } from '../../server/core/mediaChecks'
import { localMediaCheckEvent } from '../../server/platform/local'
import { HIDDEN_NOTE } from '../../server/media/verdicts'
import { prepareMessage, TEMPLATES, valueProblem, type TemplateKey } from '../../server/notify/templates'
import { startTestCloud, type TestCloud } from '../support/cloud'

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
const RESIDENT = 'demo-resident'
const STAFF = 'demo-staff'

let cloud: TestCloud
const previousMarker = process.env.HONGLIN_LOCAL_RISKY_MEDIA

beforeAll(async () => {
  // The local platform's test hook: a fileID containing "risky-" gets the verdict risky.
  process.env.HONGLIN_LOCAL_RISKY_MEDIA = 'risky-'
  cloud = await startTestCloud()
})
afterAll(async () => {
  if (previousMarker === undefined) delete process.env.HONGLIN_LOCAL_RISKY_MEDIA
  else process.env.HONGLIN_LOCAL_RISKY_MEDIA = previousMarker
  await cloud.close()
})

const photo = (openid: string, name: string) => `local://uploads/${openid}/2026-11/${name}.jpg`
/** The checks of a file as the server reads them: its own records, or its item of a batch (several photos of one call). */
const checksOfFile = (fileID: string) => checksOf(cloud.store.find('mediaChecks', { $or: [{ fileID }, { 'items.fileID': fileID }] }) as any).filter((c) => c.fileID === fileID)
const checkOf = (fileID: string) => (cloud.store.findOne('mediaChecks', { fileID }) ?? checksOfFile(fileID)[0] ?? null) as any
/** WeChat's push: to a cloud function, with no action and (by default) no user. */
const deliver = (event: object, openid?: string) => cloud.call('tickets', undefined as unknown as string, event, openid) as Promise<any>
const report = (openid: string, photos: string[], description = '楼道灯坏了好几天，晚上看不见路') =>
  cloud.ok('tickets', 'create', { category: 'repair', description, gridId: 'c1g1', buildingId: 'c1g1b1', photos }, openid)

describe('ticket photos', () => {
  const risky = photo(RESIDENT, 'risky-lamp')
  const clean = photo(RESIDENT, 'lamp')
  let ticketId: string

  test('using a photo records one pending check; the verdict is not known yet', async () => {
    const t = await report(RESIDENT, [risky, clean])
    ticketId = t._id
    expect(t.photos.map((p: any) => p.fileID)).toEqual([risky, clean])
    expect(checkOf(risky)).toMatchObject({ openid: RESIDENT, status: 'pending', source: 'photo', localVerdict: 'risky' })
    expect(checkOf(risky)._id).toMatch(/^local-[0-9a-f]{16}$/)
    expect(checkOf(clean)).toMatchObject({ status: 'pending', localVerdict: 'pass' })
    // Two photos submitted by one report are recorded in one write (a batch).
    expect(cloud.store.count('mediaChecks', { batch: true, 'items.fileID': { $all: [risky, clean] } })).toBe(1)
    // Used again while pending: not submitted a second time.
    await report(RESIDENT, [clean], '楼道灯还是不亮，请尽快处理')
    expect(checksOfFile(clean)).toHaveLength(1)
  })

  test('a user cannot deliver a verdict (the push carries no user)', async () => {
    const event = localMediaCheckEvent(checkOf(risky))
    const reply = await deliver(event, RESIDENT)
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    // Even claiming to be the push account: the app's calls come with SOURCE wx_client.
    expect(await deliver({ ...event, FromUserName: 'demo-staff' }, STAFF)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(checkOf(risky).status).toBe('pending')
    expect(cloud.store.findOne('tickets', { _id: ticketId })!.photos).toEqual([risky, clean])
  })

  test('a risky verdict hides the photo and leaves a note in the ticket’s history', async () => {
    const reply = await deliver(localMediaCheckEvent(checkOf(risky)))
    // The photo is on the ticket, which carries its first history entry (提交反映: the ticket's photos).
    expect(reply).toMatchObject({ ok: true, data: { known: true, status: 'risky' } })
    expect(reply.data.hidden).toEqual([{ collection: 'tickets', id: ticketId }])
    const stored = cloud.store.findOne('tickets', { _id: ticketId }) as any
    expect(stored.photos).toEqual([clean])
    expect(stored.hiddenPhotos).toEqual([risky])
    expect(checkOf(risky)).toMatchObject({ status: 'risky', label: 20002 })
    expect(checkOf(risky).hidden).toHaveLength(1)
    const detail = await cloud.ok('tickets', 'get', { ticketId }, RESIDENT)
    expect(detail.photos.map((p: any) => p.fileID)).toEqual([clean])
    expect(detail.events[0]).toMatchObject({ _id: `${ticketId}:0001`, kind: 'created' })
    expect(detail.events[0].photos.map((p: any) => p.fileID)).toEqual([clean])
    expect(detail.events).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'comment', actor: 'system', note: HIDDEN_NOTE })]))
    // Anyone may read the public form of the ticket: the photo is gone there too.
    const other = await cloud.ok('tickets', 'get', { ticketId }, 'demo-member')
    expect(JSON.stringify(other)).not.toContain('risky-lamp')
  })

  test('the same verdict again changes nothing; a later "pass" never clears a risky one', async () => {
    const notes = () => cloud.store.count('ticketEvents', { ticketId, note: HIDDEN_NOTE })
    expect(notes()).toBe(1)
    await deliver(localMediaCheckEvent(checkOf(risky)))
    expect(notes()).toBe(1)
    const forged = await deliver(localMediaCheckEvent(checkOf(risky), 'pass'))
    expect(forged).toMatchObject({ ok: true, data: { status: 'risky' } })
    expect(checkOf(risky).status).toBe('risky')
  })

  test('a photo found risky is refused at once when used again', async () => {
    const reply = await cloud.call('tickets', 'create', { category: 'repair', description: '再次提交同一张照片试试', gridId: 'c1g1', photos: [risky] }, RESIDENT)
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['photos'] } })
  })

  test('a passing verdict keeps the photo; an unknown trace id is ignored', async () => {
    expect(await deliver(localMediaCheckEvent(checkOf(clean)))).toMatchObject({ ok: true, data: { status: 'pass', hidden: [] } })
    expect(checkOf(clean).status).toBe('pass')
    expect(cloud.store.findOne('tickets', { _id: ticketId })!.photos).toEqual([clean])
    const before = cloud.store.count('ticketEvents')
    expect(await deliver(localMediaCheckEvent({ _id: 'local-0000000000000000' }, 'risky'))).toMatchObject({ ok: true, data: { known: false } })
    expect(cloud.store.count('ticketEvents')).toBe(before)
  })

  test('an H5 upload is checked once at upload; its verdict reaches the ticket it is used on', async () => {
    const up = await cloud.ok('tickets', 'upload', { contentType: 'image/png', data: PNG_1PX }, 'demo-member')
    expect(cloud.store.count('mediaChecks', { fileID: up.fileID })).toBe(1)
    const t = await report('demo-member', [up.fileID], '小区门口路灯不亮了')
    expect(cloud.store.count('mediaChecks', { fileID: up.fileID })).toBe(1)
    await deliver(localMediaCheckEvent(checkOf(up.fileID), 'risky'))
    expect(cloud.store.findOne('tickets', { _id: t._id })!.photos).toEqual([])
  })
})

describe('photos in history entries, wishes and centres', () => {
  const pending = (fileID: string, openid: string, _id: string) =>
    cloud.store.insertOne('mediaChecks', { _id, fileID, openid, source: 'photo', status: 'pending', submittedAt: new Date(cloud.clock.now()), decidedAt: null, label: null, errcode: null, hidden: [] })

  test('a photo on a ticket’s history entry is removed from it, with a note on the ticket', async () => {
    const t = await report('demo-committee', [], '垃圾桶满了没人清理')
    const fileID = photo('demo-property', 'risky-reply')
    // The first entry is the ticket's own; a later one (a comment) is a ticketEvents document.
    await cloud.ok('tickets', 'comment', { ticketId: t._id, text: '已安排清运' }, 'demo-property')
    const eventId = `${t._id}:0002`
    cloud.store.updateOne('ticketEvents', { _id: eventId }, { $set: { photos: [fileID] } })
    pending(fileID, 'demo-property', 'trace-event')
    const reply = await deliver(localMediaCheckEvent({ _id: 'trace-event' }, 'risky'))
    expect(reply.data.hidden).toEqual([{ collection: 'ticketEvents', id: eventId }])
    expect(cloud.store.findOne('ticketEvents', { _id: eventId })!.photos).toEqual([])
    expect(cloud.store.count('ticketEvents', { ticketId: t._id, note: HIDDEN_NOTE, actor: 'system' })).toBe(1)
  })

  test('a wish’s photo is removed and its author gets a 心愿进度 message', async () => {
    const fileID = photo('demo-member', 'risky-wish')
    cloud.store.insertOne('wishes', { _id: 'w-media', title: '帮独居老人修理轮椅', communityId: 'c1', gridId: 'c1g1', status: 'completed', residentOpenid: RESIDENT, memberOpenid: 'demo-member', photos: [fileID, photo('demo-member', 'fine')], seq: 3 })
    pending(fileID, 'demo-member', 'trace-wish')
    const reply = await deliver(localMediaCheckEvent({ _id: 'trace-wish' }, 'risky'))
    expect(reply).toMatchObject({ ok: true, data: { hidden: [{ collection: 'wishes', id: 'w-media' }] } })
    expect(cloud.store.findOne('wishes', { _id: 'w-media' })).toMatchObject({ photos: [photo('demo-member', 'fine')], hiddenPhotos: [fileID] })
    const told = cloud.store.findOne('outbox', { touser: 'demo-member', templateId: TEMPLATES.wishProgress.id }) as any
    expect(told).toMatchObject({ kind: 'wishProgress', problems: [], data: { thing1: { value: '帮独居老人修理轮椅' }, phrase2: { value: '图片已隐藏' } } })
  })

  test('a centre’s photo is removed', async () => {
    const fileID = photo(STAFF, 'risky-centre')
    const center = cloud.store.findOne('centers', {}) as any
    cloud.store.updateOne('centers', { _id: center._id }, { $set: { photos: [...(center.photos ?? []), fileID] } })
    pending(fileID, STAFF, 'trace-centre')
    await deliver(localMediaCheckEvent({ _id: 'trace-centre' }, 'risky'))
    const after = cloud.store.findOne('centers', { _id: center._id }) as any
    expect(after.photos).not.toContain(fileID)
    expect(after.hiddenPhotos).toEqual([fileID])
  })
})

describe('notice images', () => {
  test('a risky image leaves the notice’s body and attachments, with a history entry', async () => {
    const image = await cloud.ok('notices', 'upload', { name: '海报', contentType: 'image/png', data: PNG_1PX }, STAFF)
    expect(checkOf(image.fileID)).toMatchObject({ status: 'pending', source: 'notice', openid: STAFF })
    const n = await cloud.ok(
      'notices',
      'publish',
      {
        title: '垃圾分类宣传',
        category: '社区公告',
        body: `<p>见下图</p><img src="${image.fileID}" alt="海报"><p>谢谢配合</p>`,
        attachments: [{ fileID: image.fileID, name: '海报.png', contentType: 'image/png', size: 1 }],
        audience: { communityIds: ['c1'] }
      },
      STAFF
    )
    const reply = await deliver(localMediaCheckEvent(checkOf(image.fileID), 'risky'))
    expect(reply).toMatchObject({ ok: true, data: { hidden: [{ collection: 'notices', id: n.noticeId }] } })
    const stored = cloud.store.findOne('notices', { _id: n.noticeId }) as any
    expect(stored.attachments).toEqual([])
    expect(stored.body).not.toContain(image.fileID)
    expect(JSON.stringify(stored.bodyNodes)).not.toContain(image.fileID)
    expect(stored.body).toContain('谢谢配合')
    expect(stored.history.at(-1)).toMatchObject({ action: 'update', byName: '系统', note: HIDDEN_NOTE })
    const seen = await cloud.ok('notices', 'get', { noticeId: n.noticeId }, RESIDENT)
    expect(JSON.stringify(seen)).not.toContain(image.fileID.replace('local://', ''))
  })
})

describe('long texts', () => {
  const longBody = (tail: string) => `<p>${'社区将于本周六开展环境整治活动，请各位居民积极参与。'.repeat(320)}</p><p>${tail}</p>`

  test('a notice body far over 2,500 characters is checked in chunks; a word at its end is still found', async () => {
    const clean = await cloud.call('notices', 'publish', { title: '长通知', category: '社区公告', body: longBody('谢谢大家'), audience: { communityIds: ['c1'] } }, STAFF)
    expect(clean.ok).toBe(true)
    const blocked = await cloud.call('notices', 'publish', { title: '长通知二', category: '社区公告', body: longBody('代开发票请联系'), audience: { communityIds: ['c1'] } }, STAFF)
    expect(blocked).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['body'] } })
  })
})

describe('subscription messages', () => {
  test('every message sent during this run matches its kind’s declared keys and WeChat’s value limits', async () => {
    const sent = cloud.store.find('outbox', {}) as any[]
    expect(sent.length).toBeGreaterThan(0)
    for (const m of sent) {
      expect({ templateId: m.templateId, problems: m.problems }).toEqual({ templateId: m.templateId, problems: [] })
      const kind = m.kind as TemplateKey
      expect(Object.keys(m.data).sort()).toEqual(Object.keys(TEMPLATES[kind].fields).sort())
      for (const [key, entry] of Object.entries(m.data as Record<string, { value: string }>)) expect(valueProblem(key, entry.value)).toBeNull()
      // What the senders wrote already fits (the seam's fitting is a safety net, not a crutch).
      expect(prepareMessage(m.templateId, m.senderData).data).toEqual(m.data)
    }
  })
})
