/**
 * 志愿服务证明 (志愿服务记录与证明出具办法, 民政部令第67号): issued by the organisation that recorded
 * the hours (谁记录谁证明) — a community (its 居民委员会) or, for district-wide activities, the
 * district. It carries the volunteer's name and volunteer number, the hours and service content,
 * the issuer, its person in charge and handler, a number, a date and the seal's text, and a QR
 * link that anyone can use to check it against the records (`verifyCertificate`, no sign-in,
 * never a mobile number).
 *
 * Asking again while the records are unchanged returns the same certificate (its `fingerprint`
 * is the issuer plus every record id and verified minutes); a correction to a record after issue
 * makes `verifyCertificate` report "changed".
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Certificate, CertificateCheck } from '../../contracts/activities'
import { DISTRICT_ISSUER, VERIFIED_STATUSES } from '../../contracts/activities'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { conflict, notFound } from '../core/errors'
import type { Caller } from '../core/identity'
import { maskName } from '../core/mask'
import { findById } from '../core/records'
import { shanghai } from '../core/time'
import { platform } from '../platform'
import { CERTIFICATES, isoOf, RECORDS, type RecordDoc } from './model'
import { publicUrl } from './util'
import { callerPerson, ensureVolunteer } from './volunteers'

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
  sealText: string
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

async function issuerOf(issuerId: string): Promise<Issuer> {
  if (issuerId === DISTRICT_ISSUER) {
    const admins = await db().collection('users').where({ roles: 'district_admin' }).orderBy('_id', 'asc').limit(1).get()
    const first = admins.data[0] as { profile?: { name?: string } } | undefined
    const community = (await db().collection('communities').limit(1).get()).data[0] as { district?: string } | undefined
    const district = community?.district ?? '本区'
    return {
      id: issuerId,
      name: `${district}社区物业党建联建工作办公室`,
      personInCharge: first?.profile?.name ?? '区级管理员',
      sealText: `${district}社区物业党建联建工作办公室`
    }
  }
  const community = await findById<{ name: string }>('communities', issuerId)
  if (!community) throw notFound('社区')
  const committee = (await db().collection('communityCommittees').where({ communityId: issuerId }).limit(1).get()).data[0] as
    | { secretary?: string }
    | undefined
  return {
    id: issuerId,
    name: `${community.name}居民委员会`,
    personInCharge: committee?.secretary ?? '社区负责人',
    sealText: `${community.name}居民委员会`
  }
}

/** Every verified record of the volunteer issued by `issuerId`, oldest first. */
async function verifiedRecords(openid: string, issuerId: string): Promise<RecordDoc[]> {
  const _ = db().command
  const where = { openid, status: _.in([...VERIFIED_STATUSES]), communityId: issuerId === DISTRICT_ISSUER ? null : issuerId }
  const all: RecordDoc[] = []
  for (let skip = 0; ; skip += 1000) {
    const res = await db()
      .collection(RECORDS)
      .where(where)
      .field({ history: false })
      .orderBy('serviceDate', 'asc')
      .orderBy('_id', 'asc')
      .skip(skip)
      .limit(1000)
      .get()
    all.push(...(res.data as RecordDoc[]))
    if (res.data.length < 1000) return all
  }
}

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

/** Verified minutes per issuer for the volunteer (aggregate). */
async function minutesByIssuer(openid: string): Promise<{ issuerId: string; minutes: number }[]> {
  const _ = db().command
  const res = await db()
    .collection(RECORDS)
    .aggregate()
    .match({ openid, status: _.in([...VERIFIED_STATUSES]) })
    .group({ _id: '$communityId', minutes: _.aggregate.sum('$verifiedMinutes') })
    .sort({ minutes: -1 })
    .limit(100)
    .end()
  return (res.list as { _id: string | null; minutes: number }[]).map((r) => ({ issuerId: r._id ?? DISTRICT_ISSUER, minutes: r.minutes }))
}

export async function issueCertificate(caller: Caller, issuerIdInput?: string): Promise<Certificate> {
  const issuers = (await minutesByIssuer(caller.openid)).filter((i) => i.minutes > 0)
  const home = caller.user?.profile?.communityId
  const issuerId = issuerIdInput ?? (issuers.find((i) => i.issuerId === home) ?? issuers[0])?.issuerId
  if (!issuerId || !issuers.some((i) => i.issuerId === issuerId)) throw conflict('暂无已认定的志愿服务时长，无法出具证明')

  const records = (await verifiedRecords(caller.openid, issuerId)).filter((r) => r.verifiedMinutes > 0)
  if (records.length === 0) throw conflict('暂无已认定的志愿服务时长，无法出具证明')
  const snapshot = records.map((r) => ({ id: r._id, minutes: r.verifiedMinutes }))
  const fingerprint = createHash('sha256')
    .update(`${issuerId}|${snapshot.map((r) => `${r.id}:${r.minutes}`).join(',')}`)
    .digest('hex')
    .slice(0, 32)
  const existing = await db().collection(CERTIFICATES).where({ openid: caller.openid, fingerprint }).limit(1).get()
  if (existing.data[0]) return present(existing.data[0] as CertificateDoc)

  const volunteer = await ensureVolunteer(callerPerson(caller))
  const issuer = await issuerOf(issuerId)
  const byCategory = new Map<string, { minutes: number; records: number }>()
  for (const r of records) {
    const row = byCategory.get(r.category) ?? { minutes: 0, records: 0 }
    row.minutes += r.verifiedMinutes
    row.records += 1
    byCategory.set(r.category, row)
  }
  // The handler (经办人) is whoever verified the latest record; the person in charge signs for the issuer.
  const latestVerified = [...records].sort((a, b) => +(b.verifiedAt ?? 0) - +(a.verifiedAt ?? 0))[0]
  const now = clock.now()
  const doc: CertificateDoc = {
    _id: newCertificateNo(now),
    openid: caller.openid,
    fingerprint,
    name: caller.user?.profile?.name || volunteer.name,
    volunteerNo: volunteer.volunteerNo,
    issuerId,
    issuerName: issuer.name,
    personInCharge: issuer.personInCharge,
    handler: latestVerified?.verifiedByName || issuer.personInCharge,
    sealText: issuer.sealText,
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
  const doc = await findById<CertificateDoc>(CERTIFICATES, certificateNo.trim().toUpperCase())
  if (!doc) throw notFound('该证明编号')
  const _ = db().command
  const current = new Map<string, number>()
  for (let i = 0; i < doc.records.length; i += 100) {
    const ids = doc.records.slice(i, i + 100).map((r) => r.id)
    const res = await db()
      .collection(RECORDS)
      .where({ _id: _.in(ids) })
      .field({ status: true, verifiedMinutes: true })
      .limit(100)
      .get()
    for (const r of res.data as RecordDoc[]) current.set(r._id, VERIFIED_STATUSES.includes(r.status) ? r.verifiedMinutes : 0)
  }
  const unchanged = doc.records.every((r) => current.get(r.id) === r.minutes)
  const currentMinutes = doc.records.reduce((sum, r) => sum + (current.get(r.id) ?? 0), 0)
  return {
    certificateNo: doc._id,
    valid: unchanged,
    status: unchanged ? 'valid' : 'changed',
    name: maskName(doc.name),
    volunteerNo: doc.volunteerNo,
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
