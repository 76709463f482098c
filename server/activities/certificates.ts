/**
 * 志愿服务证明 (志愿服务记录与证明出具办法, 民政部令第67号): issued by the organisation that recorded
 * the hours (谁记录谁证明) — a community (its 居民委员会) or, for district-wide activities, the
 * district. It carries the volunteer's name and volunteer number, the hours and service content,
 * the issuer, its person in charge and handler, a number, a date and the seal's text, and a QR
 * link that anyone can use to check it against the records (`verifyCertificate`, no sign-in,
 * never a mobile number).
 *
 * Identity document (证件类型 and 证件号码): given by the volunteer, with explicit consent to the
 * purpose (ID_CONSENT_PURPOSE, consent time recorded), when asking for a certificate — the only
 * thing it is collected for. It is validated (居民身份证: GB 11643 check character) and then kept
 * only masked (1101**********1234) on the volunteer record and on the certificate: the full number
 * is never stored, so no action and no role can return it.
 *
 * Handler (经办人): always a staff member of the issuer (isOrganiser: the community's staff, or a
 * district admin for the district) — the latest verifier of the records who is such staff, or the
 * staff member who issues it for the volunteer (`volunteerNo`). A resident who confirmed a 微心愿
 * verified those hours for the wish but is never the handler; a volunteer whose hours no staff
 * verified asks the community, whose staff issue it. Nobody is the handler of their own certificate:
 * staff entering their own number are refused, and their own verifications are skipped. Anyone
 * but staff issuing for a volunteer: FORBIDDEN; staff asking for a number that does not exist or
 * has no hours with an issuer they serve get one and the same NOT_FOUND (no probing of numbers).
 *
 * Asking again while the records are unchanged returns the same certificate (its `fingerprint`
 * is the issuer plus every record id and verified minutes); a correction to a record after issue
 * makes `verifyCertificate` report "changed".
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Certificate, CertificateCheck, certificateInput, IdType } from '../../contracts/activities'
import { DISTRICT_ISSUER, ID_CONSENT_PURPOSE, maskIdNumber, VERIFIED_STATUSES } from '../../contracts/activities'
import type { Role } from '../../contracts/roles'
import type { z } from '../../contracts/zod'
import { clock } from '../core/clock'
import { recordConsent } from '../core/consents'
import { db } from '../core/db'
import { AppError, conflict, forbidden, invalid, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { hasRole, isDistrictAdmin } from '../core/guard'
import { callerPart, emptyScopes, type Caller, type UserRecord } from '../core/identity'
import { maskName } from '../core/mask'
import { shanghai } from '../core/time'
import { aggregateOf, readTogether, type Part, type Pipeline } from '../core/together'
import { platform } from '../platform'
import { isOrganiser } from './access'
import { CERTIFICATES, isoOf, RECORDS, VOLUNTEERS, type RecordDoc, type VolunteerDoc } from './model'
import { publicUrl } from './util'
import { addVolunteer, callerPerson, priorOf, volunteerParts } from './volunteers'

type CertificateInput = z.output<typeof certificateInput>

/** The identity document on the volunteer record (`volunteers/<openid>.identity`): masked only. */
interface StoredIdentity {
  type: IdType
  masked: string
  consentAt: Date
  purpose: string
}
type VolunteerWithIdentity = VolunteerDoc & { identity?: StoredIdentity }

export const VERIFY_PAGE = 'packages/volunteer/pages/verify/index'
/** How many records a certificate lists one by one (the totals always cover all of them). */
const MAX_ITEMS = 500

interface CertificateDoc {
  _id: string
  openid: string
  fingerprint: string
  name: string
  volunteerNo: string
  issuerId: string
  issuerName: string
  personInCharge: string
  handler: string
  /** openid of the handler (a staff member of the issuer). */
  handlerOpenid?: string
  sealText: string
  idType?: IdType
  idNumberMasked?: string
  totalMinutes: number
  recordCount: number
  periodFrom: Date
  periodTo: Date
  byCategory: { key: string; minutes: number; records: number }[]
  items: { title: string; category: RecordDoc['category']; date: Date; minutes: number }[]
  /** Every record behind the certificate with the minutes it had at issue. */
  records: { id: string; minutes: number }[]
  codeFileID?: string
  issuedAt: Date
  issuedBy: string
}

interface Issuer {
  id: string
  name: string
  personInCharge: string
  sealText: string
}

/** The parts of a combined read that `issuerFrom` turns into the issuer. */
function issuerParts(issuerId: string): Record<string, Part> {
  if (issuerId === DISTRICT_ISSUER)
    return {
      firstAdmin: { collection: 'users', build: (p) => p.match({ roles: 'district_admin' }).sort({ _id: 1 }).limit(1).project({ profile: 1 }) },
      anyCommunity: { collection: 'communities', build: (p) => p.limit(1).project({ district: 1 }) }
    }
  // The community with its committee joined.
  return {
    community: {
      collection: 'communities',
      build: (p) =>
        p
          .match({ _id: issuerId })
          .limit(1)
          .lookup({ from: 'communityCommittees', localField: '_id', foreignField: 'communityId', as: 'joinedCommittee' })
    }
  }
}

function issuerFrom(issuerId: string, docs: Record<string, Record<string, any>[]>): Issuer {
  if (issuerId === DISTRICT_ISSUER) {
    const first = docs.firstAdmin[0] as { profile?: { name?: string } } | undefined
    const district = (docs.anyCommunity[0] as { district?: string } | undefined)?.district ?? '本区'
    return {
      id: issuerId,
      name: `${district}社区物业党建联建工作办公室`,
      personInCharge: first?.profile?.name ?? '区级管理员',
      sealText: `${district}社区物业党建联建工作办公室`
    }
  }
  const community = docs.community[0] as { name: string; joinedCommittee?: { secretary?: string }[] } | undefined
  if (!community) throw notFound('社区')
  const committee = community.joinedCommittee?.[0]
  return {
    id: issuerId,
    name: `${community.name}居民委员会`,
    personInCharge: committee?.secretary ?? '社区负责人',
    sealText: `${community.name}居民委员会`
  }
}

/** Verified records read per round trip. */
const RECORDS_PAGE = 1000

/** The volunteer's verified records (all issuers), oldest first: one page, as a part of a combined read. */
function verifiedPart(openid: string, skip = 0): Part {
  const _ = db().command
  return {
    collection: RECORDS,
    build: (p) =>
      p
        .match({ openid, status: _.in([...VERIFIED_STATUSES]) })
        .sort({ serviceDate: 1, _id: 1 })
        .skip(skip)
        .limit(RECORDS_PAGE)
        .project({ history: 0 })
  }
}

/** Every verified record of the volunteer, the first page given (read with something else). */
async function allVerified(openid: string, firstPage: RecordDoc[]): Promise<RecordDoc[]> {
  const all = [...firstPage]
  while (all.length % RECORDS_PAGE === 0 && all.length > 0) {
    const page = (await aggregateOf(verifiedPart(openid, all.length))) as RecordDoc[]
    all.push(...page)
    if (page.length === 0) break
  }
  return all
}

/** The volunteer record with the certificates already issued to them joined. */
const withCertificates = (p: Pipeline) => p.limit(1).lookup({ from: CERTIFICATES, localField: '_id', foreignField: 'openid', as: 'joinedCertificates' })

function newCertificateNo(now: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  const bytes = randomBytes(6)
  let tail = ''
  for (const b of bytes) tail += alphabet[b % alphabet.length]
  return `ZM${shanghai(now).format('YYYYMMDD')}${tail}`
}

const verifyUrlOf = (no: string) => {
  const base = publicUrl()
  return base ? `${base}/#/${VERIFY_PAGE}?no=${no}` : `${VERIFY_PAGE}?no=${no}`
}

async function present(doc: CertificateDoc): Promise<Certificate> {
  let verifyCodeUrl: string | undefined
  if (doc.codeFileID) verifyCodeUrl = await platform().files.url(doc.codeFileID).catch(() => undefined)
  return {
    certificateNo: doc._id,
    name: doc.name,
    volunteerNo: doc.volunteerNo,
    issuerId: doc.issuerId,
    issuerName: doc.issuerName,
    personInCharge: doc.personInCharge,
    handler: doc.handler,
    sealText: doc.sealText,
    ...(doc.idType ? { idType: doc.idType, idNumberMasked: doc.idNumberMasked } : {}),
    totalMinutes: doc.totalMinutes,
    recordCount: doc.recordCount,
    periodFrom: isoOf(doc.periodFrom),
    periodTo: isoOf(doc.periodTo),
    byCategory: doc.byCategory,
    items: doc.items.map((i) => ({ ...i, date: isoOf(i.date) })),
    issuedAt: isoOf(doc.issuedAt),
    verifyUrl: verifyUrlOf(doc._id),
    verifyCodeUrl
  }
}

/** Verified minutes per issuer, most first (from the volunteer's verified records). */
function minutesByIssuer(records: RecordDoc[]): { issuerId: string; minutes: number }[] {
  const minutes = new Map<string, number>()
  for (const r of records) {
    const issuerId = r.communityId ?? DISTRICT_ISSUER
    minutes.set(issuerId, (minutes.get(issuerId) ?? 0) + (r.verifiedMinutes ?? 0))
  }
  return [...minutes.entries()].map(([issuerId, m]) => ({ issuerId, minutes: m })).sort((a, b) => b.minutes - a.minutes)
}

const issuerCommunity = (issuerId: string): string | null => (issuerId === DISTRICT_ISSUER ? null : issuerId)

/** Staff asking for a volunteer number that does not exist, or has no hours with an issuer they serve. */
const notFoundHere = () => new AppError('NOT_FOUND', '未找到本社区该志愿者的服务记录')

/** How many distinct verifiers (latest first) are considered for the handler: one `users` query. */
const MAX_VERIFIERS = 100

/**
 * The records' verifiers, latest first, without the volunteer: the handler is the first of them who
 * is (still) staff of the issuer (`staffVerifier`). Verifiers who are not — a resident who confirmed
 * a 微心愿, staff since moved elsewhere — are skipped, and so is the volunteer: a staff member's own
 * hours verified by themself never make them the handler of their own certificate.
 */
function latestVerifiers(records: RecordDoc[], volunteer: string): Map<string, string | undefined> {
  const byLatest = [...records].filter((r) => r.verifiedBy && r.verifiedBy !== volunteer).sort((a, b) => +(b.verifiedAt ?? 0) - +(a.verifiedAt ?? 0))
  const latestName = new Map<string, string | undefined>()
  for (const r of byLatest) {
    if (!latestName.has(r.verifiedBy!)) latestName.set(r.verifiedBy!, r.verifiedByName)
    if (latestName.size >= MAX_VERIFIERS) break
  }
  return latestName
}

/** The verifiers' users documents, as a part of a combined read (one query). */
function verifiersPart(latestName: Map<string, string | undefined>): Part {
  const _ = db().command
  return { collection: 'users', build: (p) => p.match({ _id: _.in([...latestName.keys()]) }).limit(MAX_VERIFIERS) }
}

function staffVerifier(latestName: Map<string, string | undefined>, found: UserRecord[], issuerId: string): { openid: string; name: string } | null {
  const users = new Map(found.map((u) => [u._id, u]))
  for (const [openid, verifiedByName] of latestName) {
    const user = users.get(openid)
    if (!user) continue
    const verifier: Caller = { openid, roles: [...new Set<Role>(['resident', ...(user.roles ?? [])])], scopes: user.scopes ?? emptyScopes(), user }
    if (isOrganiser(verifier, issuerCommunity(issuerId))) return { openid, name: user.profile?.name || verifiedByName || '社区工作人员' }
  }
  return null
}

/**
 * A certificate of the volunteer's verified hours with one issuer.
 * - The volunteer asks for their own (`identity` the first time, with consent): the handler is the
 *   latest staff verifier of those records; when no staff member verified any of them (hours from
 *   微心愿 confirmed by residents only) the identity is kept and the community's staff issue it.
 * - Staff issue one for a volunteer (`volunteerNo`): they must be the issuer's staff, and become
 *   its handler. The identity document is the volunteer's own (staff cannot enter it for them).
 */
export async function issueCertificate(ctx: FirstReadContext, input: CertificateInput): Promise<Certificate> {
  const forVolunteer = input.volunteerNo !== undefined
  // The caller with what the request names first: their own records and volunteer record (with the
  // certificates already issued to them and, should it be missing, the number counter) — or, staff
  // issuing for someone, the volunteer record of that number.
  const parts: Record<string, Part> = forVolunteer
    ? { subject: { collection: VOLUNTEERS, build: (p) => withCertificates(p.match({ volunteerNo: input.volunteerNo })) } }
    : {
        records: verifiedPart(ctx.openid),
        ...volunteerParts(ctx.openid),
        volunteer: { collection: VOLUNTEERS, build: (p) => withCertificates(p.match({ _id: ctx.openid })) }
      }
  const { caller, docs } = await ctx.readWithCaller(parts)
  if (forVolunteer && !hasRole(caller, 'staff') && !isDistrictAdmin(caller)) throw forbidden('仅出具单位的工作人员可以为志愿者出具证明')
  if (forVolunteer && input.identity) throw invalid('证件信息须由志愿者本人填写并同意', ['identity'])
  // Scope before anything about the volunteer is told: only the issuer's staff issue for someone.
  if (forVolunteer && input.issuerId && !isOrganiser(caller, issuerCommunity(input.issuerId)))
    throw forbidden(input.issuerId === DISTRICT_ISSUER ? '仅区级管理员可以出具区级志愿服务证明' : '仅本社区工作人员可以出具本社区的志愿服务证明')

  let subject: { openid: string; name?: string; communityId?: string }
  let joined: (VolunteerWithIdentity & { joinedCertificates?: CertificateDoc[] }) | undefined
  let firstPage: RecordDoc[]
  if (forVolunteer) {
    joined = docs.subject[0] as typeof joined
    // The same reply whether the number does not exist or has no hours the caller may certify:
    // staff cannot probe which numbers exist or where their hours were served.
    if (!joined) throw notFoundHere()
    // Nobody is the handler of their own certificate (their own number is no secret to them).
    if (joined._id === caller.openid) throw forbidden('不能为自己出具证明，请由本社区其他工作人员出具')
    const theirs = await readTogether({ user: callerPart(joined._id), records: verifiedPart(joined._id) })
    const user = theirs.user[0] as UserRecord | undefined
    subject = { openid: joined._id, name: user?.profile?.name || joined.name, communityId: user?.profile?.communityId ?? joined.communityId }
    firstPage = theirs.records as RecordDoc[]
  } else {
    subject = callerPerson(caller)
    joined = docs.volunteer[0] as typeof joined
    firstPage = docs.records as RecordDoc[]
  }

  // Every verified record: the issuers' minutes and the chosen issuer's records.
  const verified = await allVerified(subject.openid, firstPage)
  const issuers = minutesByIssuer(verified).filter((i) => i.minutes > 0)
  let issuerId = input.issuerId
  if (!issuerId) {
    const candidates = forVolunteer ? issuers.filter((i) => isOrganiser(caller, issuerCommunity(i.issuerId))) : issuers
    issuerId = (candidates.find((i) => i.issuerId === subject.communityId) ?? candidates[0] ?? (forVolunteer ? undefined : issuers[0]))?.issuerId
  }
  if (!issuerId || !issuers.some((i) => i.issuerId === issuerId)) {
    if (forVolunteer) throw notFoundHere()
    throw conflict('暂无已认定的志愿服务时长，无法出具证明')
  }

  const chosen = issuerCommunity(issuerId)
  const records = verified.filter((r) => (r.communityId ?? null) === chosen && r.verifiedMinutes > 0)
  if (records.length === 0) throw conflict('暂无已认定的志愿服务时长，无法出具证明')

  // The identity document: given now (with consent), or the one the volunteer gave before.
  // The volunteer record came with the first read, with the certificates already issued to them;
  // created (with its number) on first need.
  const issued = joined?.joinedCertificates ?? []
  const volunteer = (joined ?? (await addVolunteer(subject, priorOf(docs as Parameters<typeof priorOf>[0])))) as VolunteerWithIdentity
  let identity = volunteer.identity
  if (input.identity) {
    identity = { type: input.identity.idType, masked: maskIdNumber(input.identity.idNumber), consentAt: clock.date(), purpose: ID_CONSENT_PURPOSE }
    // A new (or changed) document: the consent record (policy version) first, then the document —
    // written together, a failed consent write would never be retried (the next request finds the
    // document unchanged and skips both). One more round trip, only when the document changes.
    if (volunteer.identity?.type !== identity.type || volunteer.identity?.masked !== identity.masked || !volunteer.identity?.consentAt) {
      await recordConsent(subject.openid, 'identity', 'activities.certificate')
      await db().collection(VOLUNTEERS).doc(subject.openid).update({ data: { identity } })
    }
  }
  if (!identity)
    throw forVolunteer
      ? conflict('该志愿者尚未登记证件信息，请其在“志愿服务证明”页面填写证件并同意后再出具')
      : invalid('请填写证件类型和证件号码，并勾选同意用于出具证明', ['identity', 'idType', 'idNumber'])

  const snapshot = records.map((r) => ({ id: r._id, minutes: r.verifiedMinutes }))
  const fingerprint = createHash('sha256')
    .update(`${issuerId}|${identity.type}:${identity.masked}|${snapshot.map((r) => `${r.id}:${r.minutes}`).join(',')}`)
    .digest('hex')
    .slice(0, 32)
  const existing = issued.find((c) => c.fingerprint === fingerprint)
  if (existing) return present(existing)

  // The issuer and (the volunteer asking) the records' verifiers: one read.
  const verifiers = forVolunteer ? new Map<string, string | undefined>() : latestVerifiers(records, subject.openid)
  const aboutParts: Record<string, Part> = { ...issuerParts(issuerId), ...(verifiers.size > 0 ? { verifiers: verifiersPart(verifiers) } : {}) }
  const about = await readTogether(aboutParts)
  const issuer = issuerFrom(issuerId, about)
  const handler = forVolunteer
    ? { openid: caller.openid, name: caller.user?.profile?.name || (isDistrictAdmin(caller) ? '区级管理员' : '社区工作人员') }
    : staffVerifier(verifiers, (about.verifiers ?? []) as UserRecord[], issuerId)
  if (!handler)
    throw conflict(`这些服务时长尚无${issuer.name}工作人员审核，证件信息已保存，请联系社区工作人员为您出具证明（提供志愿者编号 ${volunteer.volunteerNo}）`)

  const byCategory = new Map<string, { minutes: number; records: number }>()
  for (const r of records) {
    const row = byCategory.get(r.category) ?? { minutes: 0, records: 0 }
    row.minutes += r.verifiedMinutes
    row.records += 1
    byCategory.set(r.category, row)
  }
  const now = clock.now()
  const doc: CertificateDoc = {
    _id: newCertificateNo(now),
    openid: subject.openid,
    fingerprint,
    name: subject.name || volunteer.name,
    volunteerNo: volunteer.volunteerNo,
    issuerId,
    issuerName: issuer.name,
    personInCharge: issuer.personInCharge,
    handler: handler.name,
    handlerOpenid: handler.openid,
    sealText: issuer.sealText,
    idType: identity.type,
    idNumberMasked: identity.masked,
    totalMinutes: records.reduce((sum, r) => sum + r.verifiedMinutes, 0),
    recordCount: records.length,
    periodFrom: records[0].serviceDate,
    periodTo: records[records.length - 1].serviceDate,
    byCategory: [...byCategory.entries()].map(([key, v]) => ({ key, ...v })).sort((a, b) => b.minutes - a.minutes),
    items: records.slice(-MAX_ITEMS).map((r) => ({ title: r.title, category: r.category, date: r.serviceDate, minutes: r.verifiedMinutes })),
    records: snapshot,
    issuedAt: new Date(now),
    issuedBy: caller.openid
  }
  try {
    const code = await platform().codes.create({ scene: doc._id, page: VERIFY_PAGE, path: `certificates/${doc._id}.png` })
    doc.codeFileID = code.fileID
  } catch (error) {
    // The certificate stands without the image: its number and link verify it just as well.
    console.warn('[activities] certificate code not created', (error as Error)?.message ?? error)
  }
  await db().collection(CERTIFICATES).add({ data: doc })
  return present(doc)
}

/** Anyone may check a certificate number: what it certified, and whether the records still say so. */
export async function verifyCertificate(certificateNo: string): Promise<CertificateCheck> {
  // The certificate with the records behind it as they are now (status and minutes): one read.
  const res = await db()
    .collection(CERTIFICATES)
    .aggregate()
    .match({ _id: certificateNo.trim().toUpperCase() })
    .limit(1)
    .lookup({ from: RECORDS, localField: 'records.id', foreignField: '_id', as: 'joinedRecords' })
    .end()
  const doc = res.list[0] as (CertificateDoc & { joinedRecords?: RecordDoc[] }) | undefined
  if (!doc) throw notFound('该证明编号')
  const current = new Map<string, number>()
  // (A record gone since counts nothing; an empty entry for it is skipped.)
  for (const r of doc.joinedRecords ?? []) if (r) current.set(r._id, VERIFIED_STATUSES.includes(r.status) ? r.verifiedMinutes : 0)
  const unchanged = doc.records.every((r) => current.get(r.id) === r.minutes)
  const currentMinutes = doc.records.reduce((sum, r) => sum + (current.get(r.id) ?? 0), 0)
  return {
    certificateNo: doc._id,
    valid: unchanged,
    status: unchanged ? 'valid' : 'changed',
    name: maskName(doc.name),
    volunteerNo: doc.volunteerNo,
    ...(doc.idType ? { idType: doc.idType, idNumberMasked: doc.idNumberMasked } : {}),
    issuerName: doc.issuerName,
    personInCharge: doc.personInCharge,
    handler: doc.handler,
    totalMinutes: doc.totalMinutes,
    currentMinutes,
    recordCount: doc.recordCount,
    byCategory: doc.byCategory,
    periodFrom: isoOf(doc.periodFrom),
    periodTo: isoOf(doc.periodTo),
    issuedAt: isoOf(doc.issuedAt)
  }
}
