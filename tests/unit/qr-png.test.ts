/**
 * server/platform/qr.ts (qrcode's symbol builder + a 1-bit PNG written with node:zlib, in place of
 * qrcode's pngjs renderer): the PNG decodes back to the text it encodes (qrcode-reader, an
 * independent decoder), and its pixels are exactly those qrcode's own renderer draws, for the
 * check-in and member codes (scale 5, margin 1) and the emulator's community codes (430 px wide).
 */
import { inflateSync } from 'node:zlib'
import QRCode from 'qrcode'
// Independent of qrcode: a port of ZXing's decoder (in node_modules with miniprogram-automator).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const QrReader = require('qrcode-reader')
import { crc32 } from '../../server/xlsx/zip'
import { pngDataUrl, qrPng } from '../../server/platform/qr'

interface Image {
  width: number
  height: number
  /** One character per pixel, row by row: 1 when dark. */
  dark: string
}

/** A PNG decoder for what both writers produce: greyscale (1 or 8 bit) or RGBA (8 bit), no interlace. */
function decodePng(png: Buffer): Image {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  let width = 0
  let height = 0
  let depth = 0
  let colorType = 0
  const idat: Buffer[] = []
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at)
    const type = png.toString('ascii', at + 4, at + 8)
    const data = png.subarray(at + 8, at + 8 + length)
    expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)))
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      depth = data[8]
      colorType = data[9]
      expect(data[12]).toBe(0)
    }
    if (type === 'IDAT') idat.push(data)
    at += 12 + length
  }
  const channels = colorType === 6 ? 4 : colorType === 0 ? 1 : NaN
  const bpp = Math.max(1, (channels * depth) / 8)
  const stride = Math.ceil((width * channels * depth) / 8)
  const raw = inflateSync(Buffer.concat(idat))
  const lines: Buffer[] = []
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)))
    const up = y > 0 ? lines[y - 1] : Buffer.alloc(stride)
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp] : 0
      const b = up[i]
      const c = i >= bpp ? up[i - bpp] : 0
      const p = a + b - c
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c
      line[i] = (line[i] + [0, a, b, (a + b) >> 1, paeth][filter]) & 0xff
    }
    lines.push(line)
  }
  let dark = ''
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (depth === 1) dark += ((lines[y][x >> 3] >> (7 - (x & 7))) & 1) === 0 ? '1' : '0'
      else dark += lines[y][x * channels] < 128 ? '1' : '0'
    }
  }
  return { width, height, dark }
}

function readQr(image: Image): Promise<string> {
  const data = Buffer.alloc(image.width * image.height * 4)
  for (let i = 0; i < image.dark.length; i++) data.fill(image.dark[i] === '1' ? 0 : 255, i * 4, i * 4 + 3).writeUInt8(255, i * 4 + 3)
  return new Promise((resolve, reject) => {
    const reader = new QrReader()
    reader.callback = (error: unknown, value: { result: string }) => (error ? reject(error) : resolve(value.result))
    reader.decode({ width: image.width, height: image.height, data })
  })
}

const fromDataUrl = (url: string) => Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64')

const TEXTS = [
  'https://honglin.example.cn/#/pages/activities/checkin/index?t=a1b2c3d4.e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0',
  'SFQ000123.0f9e8d7c6b5a',
  'HELLO 123',
  '1234567890',
  'x'.repeat(300)
]

test.each(TEXTS)('the check-in / member code PNG of %s decodes back to it', async (text) => {
  const png = qrPng(text, { errorCorrectionLevel: 'M', margin: 1, scale: 5 })
  expect(await readQr(decodePng(png))).toBe(text)
})

test.each([...TEXTS, '东风社区 在职党员报到 🏠'])('pixel for pixel what qrcode draws: %s', async (text) => {
  const ours = decodePng(qrPng(text, { errorCorrectionLevel: 'M', margin: 1, scale: 5 }))
  const theirs = decodePng(fromDataUrl(await QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 1, scale: 5 })))
  expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height])
  expect(ours.dark === theirs.dark).toBe(true)
})

test.each(['http://127.0.0.1:8080/#/pages/register/index?scene=k7m2p9q4', 'http://127.0.0.1:8080/#/pages/centers/room/index?scene=r_c1_01'])('the emulator\u2019s 430 px code of %s, pixel for pixel', async (text) => {
  const ours = decodePng(qrPng(text, { width: 430, margin: 2, errorCorrectionLevel: 'M' }))
  const theirs = decodePng(await QRCode.toBuffer(text, { type: 'png', width: 430, margin: 2, errorCorrectionLevel: 'M' }))
  // 430 / modules is not a whole number: both floor the image to the same width (≤ 430).
  expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height])
  expect(ours.width).toBeGreaterThan(420)
  expect(ours.dark === theirs.dark).toBe(true)
})

test('a data URL, smaller than the RGBA one', async () => {
  const text = TEXTS[0]
  const ours = pngDataUrl(qrPng(text, { errorCorrectionLevel: 'M', margin: 1, scale: 5 }))
  expect(ours).toMatch(/^data:image\/png;base64,/)
  expect(ours.length).toBeLessThan((await QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 1, scale: 5 })).length)
})
