import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, normalize } from 'node:path'
import QRCode from 'qrcode'
import { db } from '../core/db'
import { clock } from '../core/clock'
import type { Platform } from './types'

/** Words the local stand-in for msgSecCheck refuses; the cloud uses WeChat's own check. */
export const BLOCKED_WORDS = ['赌博', '博彩', '色情', '毒品', '枪支', '法轮', '代开发票', '办证刻章']

const dataDir = () => process.env.HONGLIN_DATA_DIR || '.data'
const publicUrl = () => (process.env.HONGLIN_PUBLIC_URL || 'http://127.0.0.1:8080').replace(/\/$/, '')

function safePath(path: string): string {
  const clean = normalize(path).replace(/^(\.\.(\/|\\|$))+/, '').replace(/^\/+/, '')
  if (clean.includes('..')) throw new Error(`unsafe file path: ${path}`)
  return clean
}

const fileUrl = (fileID: string) => `${publicUrl()}/files/${fileID.replace(/^local:\/\//, '')}`

/**
 * QR PNGs by content, shared by concurrent requests: rendering one is CPU work (~20 ms under tsx,
 * ~600 ms inside jest's VM), and the same community's, room's or member's code is asked for again
 * and again, often at once.
 */
const qrCache = new Map<string, Promise<Buffer>>()
function qrPng(target: string): Promise<Buffer> {
  let png = qrCache.get(target)
  if (!png) {
    png = QRCode.toBuffer(target, { type: 'png', width: 430, margin: 2, errorCorrectionLevel: 'M' })
    png.catch(() => qrCache.delete(target))
    if (qrCache.size >= 500) qrCache.delete(qrCache.keys().next().value as string)
    qrCache.set(target, png)
  }
  return png
}

/** The emulator's platform: files in DATA_DIR/files, QR PNGs, an `outbox` collection, a word list. */
export const localPlatform: Platform = {
  kind: 'local',
  files: {
    async put(path, content) {
      const clean = safePath(path)
      const target = join(dataDir(), 'files', clean)
      await mkdir(dirname(target), { recursive: true })
      await writeFile(target, content)
      const fileID = `local://${clean}`
      return { fileID, url: fileUrl(fileID) }
    },
    async url(fileID) {
      return fileUrl(fileID)
    }
  },
  codes: {
    async create({ scene, page, path }) {
      const target = `${publicUrl()}/#/${page}?scene=${encodeURIComponent(scene)}`
      return localPlatform.files.put(path, await qrPng(target), 'image/png')
    }
  },
  messages: {
    async send(message) {
      await db().collection('outbox').add({ data: { ...message, sentAt: clock.date() } })
    }
  },
  contentCheck: {
    async text(content) {
      const hit = BLOCKED_WORDS.find((word) => content.includes(word))
      return hit ? { ok: false, reason: '内容含有违规信息，请修改后再提交' } : { ok: true }
    },
    async image() {
      return { ok: true }
    }
  }
}
