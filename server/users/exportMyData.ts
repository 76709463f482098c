import { randomBytes } from 'node:crypto'
import { PRIVACY_POLICY_VERSION } from '../../contracts/privacy'
import type { ExportMyDataOutput } from '../../contracts/users'
import { audit } from '../core/audit'
import { clock } from '../core/clock'
import type { Caller } from '../core/identity'
import { shanghai } from '../core/time'
import { platform } from '../platform'
import { TEMP_URL_SECONDS } from '../platform/types'
import { HOLDINGS, readAllHoldings } from './holdings'

/**
 * How long the link is promised to work. WeChat's temporary file URLs last longer than this (the
 * mini-program downloads by fileID anyway); the emulator's do not expire.
 */

/**
 * A complete, machine-readable copy of every document about the caller (个人信息保护法 第四十五条:
 * 查阅、复制, and 第四十五条第三款 a copy to take elsewhere): one JSON file, every holding of
 * holdings.ts read page by page (100 a read: the first pages of all holdings at once, then further
 * pages of a holding that has more; an export is not interactive: its time is that of one read). Stored through the platform's files seam (cloud storage / the
 * emulator's files) under a random path, and audited.
 *
 * Lifetime of the copy: deleted with the account (users.deleteAccount removes every copy named in
 * the person's `users.exportMyData` audit entries). Expiry before that is not done in code: set a
 * lifecycle rule on the `exports/personal/` prefix of cloud storage (云开发控制台 → 存储 → 设置,
 * or the COS bucket's 生命周期: delete after 1 day) when deploying.
 */
export async function exportMyData(caller: Caller): Promise<ExportMyDataOutput> {
  const openid = caller.openid
  const lists = await readAllHoldings(openid)
  const now = clock.now()
  const copy = {
    title: '红邻 · 个人信息副本',
    basis: '《中华人民共和国个人信息保护法》第四十五条：个人有权查阅、复制其个人信息',
    openid,
    exportedAt: new Date(now).toISOString(),
    policyVersion: PRIVACY_POLICY_VERSION,
    contents: Object.fromEntries(HOLDINGS.map((h, i) => [h.key, { label: h.label, count: lists[i].length }])),
    data: Object.fromEntries(HOLDINGS.map((h, i) => [h.key, lists[i]]))
  }
  const stamp = shanghai(now).format('YYYYMMDD-HHmmss')
  const fileName = `红邻个人信息-${stamp}.json`
  // A random path: on the emulator files are served by path, so it must not be guessable.
  const path = `exports/personal/${stamp}-${randomBytes(12).toString('hex')}.json`
  const stored = await platform().files.put(path, Buffer.from(JSON.stringify(copy, null, 2), 'utf8'), 'application/json')
  // No communityId: the person's own action is not their community's business (district only,
  // users.auditLogs). `detail.fileID` is how users.deleteAccount finds the copies to delete.
  await audit(caller, {
    action: 'users.exportMyData',
    target: { collection: 'users', id: openid },
    detail: { fileID: stored.fileID, documents: lists.reduce((n, l) => n + l.length, 0) }
  })
  return { fileName, url: stored.url, fileID: stored.fileID, expiresAt: new Date(now + TEMP_URL_SECONDS * 1000).toISOString() }
}
