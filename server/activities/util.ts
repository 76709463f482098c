import { randomBytes } from 'node:crypto'
import { pngDataUrl, qrPng } from '../platform/qr'

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'

/** A short random id (lower-case letters and digits without look-alikes). */
export function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length)
  let out = prefix
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % ALPHABET.length]
  return out
}

/**
 * Base URL of the H5 app, which the QR codes point at. The emulator sets HONGLIN_PUBLIC_URL; in
 * the cloud set it to the domain configured for 扫普通链接二维码打开小程序 (then WeChat's own
 * scanner opens the mini-program page too). Unset in the cloud: codes carry the bare token, which
 * the app's own scanner understands.
 */
export function publicUrl(): string | undefined {
  const configured = process.env.HONGLIN_PUBLIC_URL
  if (configured) return configured.replace(/\/$/, '')
  return process.env.HONGLIN_PLATFORM === 'local' ? 'http://127.0.0.1:8080' : undefined
}

/** A QR code as a PNG data URL (an <Image> shows it on weapp and H5 alike). */
export async function qrDataUrl(text: string): Promise<string> {
  // 5 px per module: small to encode (it is drawn every minute) and sharp enough scaled up on a phone.
  return pngDataUrl(qrPng(text, { errorCorrectionLevel: 'M', margin: 1, scale: 5 }))
}
