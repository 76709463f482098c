import { deflateSync } from 'node:zlib'
// qrcode's symbol builder only: its PNG renderer pulls in pngjs, and the PNG is written here.
import { create } from 'qrcode/lib/core/qrcode'
import { crc32 } from '../xlsx/zip'

export interface QrPngOptions {
  /** Pixels per module (default 4), unless `width` is given. */
  scale?: number
  /** The image's width in pixels (modules scaled to fit), as qrcode's `width`. */
  width?: number
  /** Light modules around the symbol (default 4). */
  margin?: number
  errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * `text` as a QR code PNG: black on white, one bit per pixel. Pixels map to modules exactly as
 * qrcode's own renderer maps them (the same image, at a fraction of the bytes and of the bundle).
 */
export function qrPng(text: string, options: QrPngOptions = {}): Buffer {
  const { modules } = create(text, { errorCorrectionLevel: options.errorCorrectionLevel ?? 'M' })
  const size = modules.size
  const margin = options.margin === undefined || options.margin < 0 ? 4 : options.margin
  const width = options.width && options.width >= 21 ? options.width : undefined
  const scale = width && width >= size + margin * 2 ? width / (size + margin * 2) : width ? 4 : (options.scale ?? 4)
  const pixels = Math.floor((size + margin * 2) * scale)
  const scaledMargin = margin * scale
  const stride = 1 + Math.ceil(pixels / 8)
  // Filter byte 0 on each line; bit 1 is white (grey level 1 at bit depth 1).
  const raw = Buffer.alloc(stride * pixels, 0)
  for (let i = 0; i < pixels; i++) {
    for (let j = 0; j < pixels; j++) {
      const inside = i >= scaledMargin && j >= scaledMargin && i < pixels - scaledMargin && j < pixels - scaledMargin
      const dark = inside && modules.data[Math.floor((i - scaledMargin) / scale) * size + Math.floor((j - scaledMargin) / scale)]
      if (!dark) raw[i * stride + 1 + (j >> 3)] |= 0x80 >> (j & 7)
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(pixels, 0)
  header.writeUInt32BE(pixels, 4)
  header[8] = 1 // bit depth
  header[9] = 0 // greyscale; compression, filter and interlace methods 0
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

export const pngDataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`
