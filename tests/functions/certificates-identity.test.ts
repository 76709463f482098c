/**
 * 志愿服务证明 and the volunteer's identity document (志愿服务记录与证明出具办法): the volunteer gives
 * 证件类型 and 证件号码 with explicit consent when asking for a certificate; the number is validated
 * (居民身份证: GB 11643 check character), kept only masked, shown masked on the certificate and on the
 * public verification; the 经办人 is always staff of the issuer — never the resident who confirmed a
 * 微心愿 — and only the issuer's staff issue a certificate for a volunteer.
 */
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

function addUser(openid: string, name: string, communityId = 'c1') {
  cloud.store.insertOne('users', { _id: openid, openid, roles: ['member'], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { name, mobile: '13812345678', communityId } })
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

    // residents, members and another community's staff may not issue it
    for (const who of ['demo-resident', 'demo-member', 'u-h-2', 'demo-staff-2', 'demo-property'])
      expect([who, (await call('activities', 'certificate', { volunteerNo: hours.volunteerNo }, who)).error?.code]).toEqual([who, 'FORBIDDEN'])
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
