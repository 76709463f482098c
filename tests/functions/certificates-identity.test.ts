/**
 * 志愿服务证明 and the volunteer's identity document (志愿服务记录与证明出具办法): the volunteer gives
 * 证件类型 and 证件号码 with explicit consent when asking for a certificate; the number is validated
 * (居民身份证: GB 11643 check character), kept only masked, shown masked on the certificate and on the
 * public verification; the 经办人 is always staff of the issuer — never the resident who confirmed a
 * 微心愿 — and only the issuer's staff issue a certificate for a volunteer.
 */
import { maskIdNumber } from '../../contracts/activities'
import { recordServiceFromWish } from '../../server/activities/records'
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const at = (local: string) => cloud.clock.set(`${local}+08:00`)
beforeEach(() => at('2026-11-27T09:00:00'))

const call = (fn: string, action: string, input: object, openid?: string): Promise<any> => cloud.call(fn, action, input, openid)

function addUser(openid: string, name: string, communityId = 'c1', roles: string[] = ['member']) {
  const communityIds = roles.includes('staff') ? [communityId] : []
  cloud.store.insertOne('users', { _id: openid, openid, roles, scopes: { communityIds, companyIds: [], gridIds: [] }, profile: { name, mobile: '13812345678', communityId } })
}

/** One wish's hours for `openid`, verified by `verifiedBy` (staff on the resident's behalf, or the resident). */
const wishHours = (openid: string, wishId: string, verifiedBy: string, minutes = 60) =>
  recordServiceFromWish({ openid, communityId: 'c1', minutes, wishId, title: '帮邻居买菜', verifiedBy })

const RESIDENT_ID = '110101199003071233'
const ID = { idType: 'resident_id', idNumber: RESIDENT_ID, consent: true }

describe('the identity document', () => {
  test('the certificate shows the type and the masked number; only the masked number is kept, with the consent time', async () => {
    addUser('u-id-1', '邵一')
    await wishHours('u-id-1', 'cid-w1', 'demo-staff', 90)
    at('2026-11-27T10:00:00')
    const cert = await cloud.ok('activities', 'certificate', { identity: { ...ID, idNumber: ' 1101 0119 9003 0712 33 ' } }, 'u-id-1')
    expect(cert).toMatchObject({ idType: 'resident_id', idNumberMasked: '1101**********1233', name: '邵一', handler: '张敏', totalMinutes: 90 })
    expect(JSON.stringify(cert)).not.toContain(RESIDENT_ID)

    // Nothing stores the full number: the volunteer record and the certificate hold it masked.
    const volunteer = cloud.store.get('volunteers', 'u-id-1')!
    expect(volunteer.identity).toMatchObject({ type: 'resident_id', masked: '1101**********1233' })
    expect(new Date(volunteer.identity.consentAt).toISOString()).toBe('2026-11-27T02:00:00.000Z')
    expect(volunteer.identity.purpose).toContain('出具志愿服务记录证明')
    expect(JSON.stringify(cloud.store.find('volunteers', {}))).not.toContain(RESIDENT_ID)
    expect(JSON.stringify(cloud.store.find('certificates', {}))).not.toContain(RESIDENT_ID)

    // Asking again needs no identity: the one given is used (same records, same certificate).
    expect((await cloud.ok('activities', 'certificate', {}, 'u-id-1')).certificateNo).toBe(cert.certificateNo)
    // Another document replaces it and gives a new certificate.
    const passport = await cloud.ok('activities', 'certificate', { identity: { idType: 'passport', idNumber: 'e12345678', consent: true } }, 'u-id-1')
    expect(passport).toMatchObject({ idType: 'passport', idNumberMasked: 'E1*****78' })
    expect(passport.certificateNo).not.toBe(cert.certificateNo)
  })

  test('the public verification shows the type and the masked number only', async () => {
    addUser('u-id-2', '邵二')
    await wishHours('u-id-2', 'cid-w2', 'demo-staff')
    const cert = await cloud.ok('activities', 'certificate', { identity: { idType: 'hk_macao_permit', idNumber: 'H12345678', consent: true } }, 'u-id-2')
    const check = await cloud.ok('activities', 'verifyCertificate', { certificateNo: cert.certificateNo })
    expect(check).toMatchObject({ valid: true, name: '邵*', idType: 'hk_macao_permit', idNumberMasked: 'H1*****78', handler: '张敏' })
    expect(JSON.stringify(check)).not.toContain('H12345678')
    expect(JSON.stringify(check)).not.toContain('邵二')
  })

  test('a wrong number, no consent or no identity: INVALID_INPUT with a Chinese message for the field, and nothing is saved', async () => {
    addUser('u-id-3', '邵三')
    await wishHours('u-id-3', 'cid-w3', 'demo-staff')
    const before = cloud.store.count('certificates', {})
    const cases: [object, string, RegExp][] = [
      [{ ...ID, idNumber: '110101199003071234' }, 'identity.idNumber', /居民身份证号码有误/], // check character
      [{ ...ID, idNumber: '110101199013071230' }, 'identity.idNumber', /居民身份证号码有误/], // no 13th month
      [{ ...ID, idNumber: '11010119900307123' }, 'identity.idNumber', /应为18位/],
      [{ idType: 'hk_macao_permit', idNumber: 'X1234', consent: true }, 'identity.idNumber', /港澳居民来往内地通行证号码/],
      [{ idType: 'passport', idNumber: '护照号', consent: true }, 'identity.idNumber', /护照号码/],
      [{ idType: 'driving_licence', idNumber: RESIDENT_ID, consent: true }, 'identity.idType', /证件类型/],
      [{ ...ID, consent: false }, 'identity.consent', /同意/],
      [{ idType: 'resident_id', idNumber: RESIDENT_ID }, 'identity.consent', /同意/]
    ]
    for (const [identity, field, message] of cases) {
      const reply = await call('activities', 'certificate', { identity }, 'u-id-3')
      expect(reply.ok).toBe(false)
      expect(reply.error.code).toBe('INVALID_INPUT')
      const messages = JSON.stringify(reply.error)
      expect(reply.error.fields.join(',')).toContain(field.split('.').pop())
      expect(messages).toMatch(message)
    }
    // Without any identity on record: asked for it.
    const none = await call('activities', 'certificate', {}, 'u-id-3')
    expect(none.error).toMatchObject({ code: 'INVALID_INPUT' })
    expect(none.error.fields).toContain('idNumber')
    expect(none.error.message).toMatch(/证件/)
    expect(cloud.store.count('certificates', {})).toBe(before)
    expect(cloud.store.get('volunteers', 'u-id-3')?.identity).toBeUndefined()
  })
})

describe('the handler (经办人) is staff of the issuer', () => {
  test('a resident who confirmed a 微心愿 is never the handler, even when theirs is the latest verification', async () => {
    addUser('u-h-1', '邵四')
    await wishHours('u-h-1', 'cid-h1', 'demo-staff')
    at('2026-11-27T15:00:00')
    await wishHours('u-h-1', 'cid-h2', 'demo-resident')
    const cert = await cloud.ok('activities', 'certificate', { identity: ID }, 'u-h-1')
    expect(cert).toMatchObject({ handler: '张敏', recordCount: 2, totalMinutes: 120 })
    expect(JSON.stringify(cert)).not.toContain('王秀兰')
    expect(cloud.store.get('certificates', cert.certificateNo)).toMatchObject({ handlerOpenid: 'demo-staff' })
  })

  test('hours verified by residents only: the community’s staff issue it (and handle it); nobody else may', async () => {
    addUser('u-h-2', '邵五')
    await wishHours('u-h-2', 'cid-h3', 'demo-resident', 45)
    const hours = await cloud.ok('activities', 'myHours', {}, 'u-h-2')
    // staff cannot issue before the volunteer gave (and consented to) their identity
    expect((await call('activities', 'certificate', { volunteerNo: hours.volunteerNo }, 'demo-staff')).error?.code).toBe('CONFLICT')
    // the volunteer asks: no staff member verified these hours, so no self-service certificate
    const asked = await call('activities', 'certificate', { identity: ID }, 'u-h-2')
    expect(asked.error?.code).toBe('CONFLICT')
    expect(asked.error.message).toContain(hours.volunteerNo)
    expect(cloud.store.count('certificates', { openid: 'u-h-2' })).toBe(0)

    // residents, members and property staff may not issue it; another community's staff are told
    // only that there are no hours of this number in their community
    for (const who of ['demo-resident', 'demo-member', 'u-h-2', 'demo-property'])
      expect([who, (await call('activities', 'certificate', { volunteerNo: hours.volunteerNo }, who)).error?.code]).toEqual([who, 'FORBIDDEN'])
    expect((await call('activities', 'certificate', { volunteerNo: hours.volunteerNo }, 'demo-staff-2')).error?.code).toBe('NOT_FOUND')
    expect((await call('activities', 'certificate', { volunteerNo: hours.volunteerNo, issuerId: 'c1' }, 'demo-staff-2')).error?.code).toBe('FORBIDDEN')
    // staff cannot enter the identity for the volunteer
    expect((await call('activities', 'certificate', { volunteerNo: hours.volunteerNo, identity: ID }, 'demo-staff')).error?.code).toBe('INVALID_INPUT')
    expect(cloud.store.count('certificates', { openid: 'u-h-2' })).toBe(0)

    const cert = await cloud.ok('activities', 'certificate', { volunteerNo: hours.volunteerNo }, 'demo-staff')
    expect(cert).toMatchObject({ name: '邵五', handler: '张敏', totalMinutes: 45, idNumberMasked: '1101**********1233', issuerName: '东风社区居民委员会' })
    expect(cloud.store.get('certificates', cert.certificateNo)).toMatchObject({ openid: 'u-h-2', handlerOpenid: 'demo-staff', issuedBy: 'demo-staff' })
    // the volunteer now gets that same certificate
    expect((await cloud.ok('activities', 'certificate', {}, 'u-h-2')).certificateNo).toBe(cert.certificateNo)
    const check = await cloud.ok('activities', 'verifyCertificate', { certificateNo: cert.certificateNo })
    expect(check).toMatchObject({ handler: '张敏', idNumberMasked: '1101**********1233' })
  })
})

describe('nobody is the handler of their own certificate', () => {
  test('a staff member cannot issue their own by number, and their own verifications never make them its handler', async () => {
    addUser('u-self-1', '邵六', 'c1', ['staff'])
    await wishHours('u-self-1', 'cid-s1', 'u-self-1', 60) // verified by themself
    at('2026-11-27T11:00:00')
    await wishHours('u-self-1', 'cid-s2', 'demo-resident', 30) // confirmed by a resident only
    const hours = await cloud.ok('activities', 'myHours', {}, 'u-self-1')

    // Asking for their own: no other staff member verified these hours, so the community issues it.
    const asked = await call('activities', 'certificate', { identity: ID }, 'u-self-1')
    expect(asked.error?.code).toBe('CONFLICT')
    expect(asked.error.message).toContain(hours.volunteerNo)
    // Entering their own volunteer number on the staff path: refused.
    for (const input of [{ volunteerNo: hours.volunteerNo }, { volunteerNo: hours.volunteerNo.toLowerCase(), issuerId: 'c1' }]) {
      const own = await call('activities', 'certificate', input, 'u-self-1')
      expect(own.error).toMatchObject({ code: 'FORBIDDEN', message: '不能为自己出具证明，请由本社区其他工作人员出具' })
    }
    expect(cloud.store.count('certificates', { openid: 'u-self-1' })).toBe(0)

    // Another staff member of the community issues it and is its handler.
    const cert = await cloud.ok('activities', 'certificate', { volunteerNo: hours.volunteerNo }, 'demo-staff')
    expect(cert).toMatchObject({ name: '邵六', handler: '张敏', totalMinutes: 90 })
    expect(cloud.store.get('certificates', cert.certificateNo)).toMatchObject({ handlerOpenid: 'demo-staff', issuedBy: 'demo-staff' })
  })

  test('when another staff member also verified some of the hours, they are the handler, not the volunteer', async () => {
    addUser('u-self-2', '邵七', 'c1', ['staff'])
    await wishHours('u-self-2', 'cid-s3', 'demo-staff', 60)
    at('2026-11-27T11:00:00')
    await wishHours('u-self-2', 'cid-s4', 'u-self-2', 30) // their own, the latest
    const cert = await cloud.ok('activities', 'certificate', { identity: ID }, 'u-self-2')
    expect(cert).toMatchObject({ handler: '张敏', totalMinutes: 90 })
    expect(cloud.store.get('certificates', cert.certificateNo)).toMatchObject({ openid: 'u-self-2', handlerOpenid: 'demo-staff' })
  })
})

describe('staff cannot probe volunteer numbers', () => {
  test('a number that does not exist, one with hours only in another community and one without hours get the same reply', async () => {
    addUser('u-p-1', '邵八') // hours in c1
    await wishHours('u-p-1', 'cid-p1', 'demo-staff')
    const inC1 = (await cloud.ok('activities', 'myHours', {}, 'u-p-1')).volunteerNo
    addUser('u-p-2', '邵九', 'c2') // a number, but no hours at all
    const noHours = `${inC1.slice(0, -6)}999001`
    cloud.store.insertOne('volunteers', { _id: 'u-p-2', volunteerNo: noHours, name: '邵九', communityId: 'c2', rankingOptOut: false, createdAt: new Date() })

    const replies = []
    for (const volunteerNo of ['ZZ99999999', inC1, noHours]) replies.push((await call('activities', 'certificate', { volunteerNo }, 'demo-staff-2')).error)
    expect(replies).toEqual([0, 1, 2].map(() => ({ code: 'NOT_FOUND', message: '未找到本社区该志愿者的服务记录' })))
    // the community's own staff: the same reply for a number without hours as for none at all
    expect((await call('activities', 'certificate', { volunteerNo: noHours }, 'demo-staff')).error).toEqual(replies[0])
    expect((await call('activities', 'certificate', { volunteerNo: 'ZZ99999999' }, 'demo-staff')).error).toEqual(replies[0])
    // naming another community as the issuer is refused before any number is looked up
    for (const volunteerNo of ['ZZ99999999', inC1])
      expect((await call('activities', 'certificate', { volunteerNo, issuerId: 'c1' }, 'demo-staff-2')).error).toMatchObject({
        code: 'FORBIDDEN',
        message: '仅本社区工作人员可以出具本社区的志愿服务证明'
      })
  })
})

describe('the handler is found with one query of the verifiers', () => {
  test('nine later verifications by residents cost no more database round trips than one staff verification', async () => {
    addUser('u-q-1', '邵十')
    addUser('u-q-2', '邵十一')
    await wishHours('u-q-1', 'cid-q1', 'demo-staff')
    await wishHours('u-q-2', 'cid-q2', 'demo-staff')
    at('2026-11-27T12:00:00')
    for (let i = 0; i < 9; i++) {
      addUser(`u-q-r${i}`, `居民${i}`)
      cloud.clock.advance(60_000)
      await wishHours('u-q-2', `cid-q2-${i}`, `u-q-r${i}`, 10)
    }
    const one = await cloud.callWithStats('activities', 'certificate', { identity: ID }, 'u-q-1')
    const many = await cloud.callWithStats('activities', 'certificate', { identity: ID }, 'u-q-2')
    expect(one.reply).toMatchObject({ ok: true, data: { handler: '张敏', recordCount: 1 } })
    expect(many.reply).toMatchObject({ ok: true, data: { handler: '张敏', recordCount: 10 } })
    expect(many.stats.dbRequests).toBe(one.stats.dbRequests)
  })
})

describe('maskIdNumber', () => {
  test('shows less than half of any number: 18 characters 4+4, 9 to 17 2+2, 5 to 8 1+1, shorter nothing', () => {
    expect(maskIdNumber('110101199003071233')).toBe('1101**********1233')
    expect(maskIdNumber('E12345678')).toBe('E1*****78')
    expect(maskIdNumber('H1234567890')).toBe('H1*******90')
    expect(maskIdNumber('ABC123456789012')).toBe('AB***********12')
    expect(maskIdNumber('E1234568')).toBe('E******8')
    expect(maskIdNumber('E12346')).toBe('E****6')
    expect(maskIdNumber('E1234')).toBe('E***4')
    expect(maskIdNumber('1234')).toBe('****')
    for (let n = 1; n <= 30; n++) {
      const masked = maskIdNumber('9'.repeat(n))
      expect(masked).toHaveLength(n)
      expect([n, masked.replace(/\*/g, '').length * 2 < n ]).toEqual([n, true])
    }
  })

  test('a short passport is shown as its first and last character on the certificate and the public verification', async () => {
    addUser('u-m-1', '邵十二')
    await wishHours('u-m-1', 'cid-m1', 'demo-staff')
    const cert = await cloud.ok('activities', 'certificate', { identity: { idType: 'passport', idNumber: 'e12346', consent: true } }, 'u-m-1')
    expect(cert.idNumberMasked).toBe('E****6')
    expect((await cloud.ok('activities', 'verifyCertificate', { certificateNo: cert.certificateNo })).idNumberMasked).toBe('E****6')
  })
})
