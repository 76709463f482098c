// Writes the tab bar icons (81x81 RGBA PNG, normal and active) with Node's built-in zlib only.
// Run: node src/assets/tabbar/make-icons.mjs
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SIZE = 81
const SS = 4 // supersampling per axis
const here = dirname(fileURLToPath(import.meta.url))

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type, data) => {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}
function png(rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(SIZE, 0)
  ihdr.writeUInt32BE(SIZE, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE)
  for (let y = 0; y < SIZE; y++) {
    raw[y * (SIZE * 4 + 1)] = 0
    rgba.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ])
}

// Shape helpers in a 0..100 coordinate space: each returns true when (x, y) is inside.
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  if (!rect(x0, y0, x1, y1)(x, y)) return false
  const cx = Math.min(Math.max(x, x0 + r), x1 - r)
  const cy = Math.min(Math.max(y, y0 + r), y1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}
const triangle = (ax, ay, bx, by, cx, cy) => (x, y) => {
  const s = (px, py, qx, qy) => (x - qx) * (py - qy) - (px - qx) * (y - qy)
  const d1 = s(ax, ay, bx, by)
  const d2 = s(bx, by, cx, cy)
  const d3 = s(cx, cy, ax, ay)
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0))
}
const ellipseTop = (cx, cy, rx, ry) => (x, y) => y <= cy && ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
const union = (...fs) => (x, y) => fs.some((f) => f(x, y))
const minus = (a, ...bs) => (x, y) => a(x, y) && !bs.some((b) => b(x, y))

const shapes = {
  // a house: roof, walls, a door
  home: minus(
    union(triangle(50, 10, 8, 48, 92, 48), roundRect(18, 44, 82, 90, 6)),
    roundRect(42, 62, 58, 92, 4)
  ),
  // a red flag on a pole
  activities: union(
    roundRect(16, 8, 24, 94, 3),
    (x, y) => x >= 22 && x <= 88 && y >= 12 + 6 * Math.sin((x - 22) / 11) && y <= 56 + 6 * Math.sin((x - 22) / 11)
  ),
  // two neighbours side by side
  centers: union(
    circle(34, 30, 14),
    ellipseTop(34, 88, 26, 38),
    minus(union(circle(68, 34, 12), ellipseTop(68, 88, 22, 34)), circle(34, 30, 18), ellipseTop(34, 90, 30, 42))
  ),
  // one person
  mine: union(circle(50, 30, 19), ellipseTop(50, 94, 36, 44))
}

const colors = { normal: [0x6b, 0x6b, 0x6b], active: [0xc8, 0x16, 0x1d] }

for (const [name, inside] of Object.entries(shapes)) {
  for (const [variant, [r, g, b]] of Object.entries(colors)) {
    const buf = Buffer.alloc(SIZE * SIZE * 4)
    for (let py = 0; py < SIZE; py++) {
      for (let px = 0; px < SIZE; px++) {
        let hits = 0
        for (let sy = 0; sy < SS; sy++) {
          for (let sx = 0; sx < SS; sx++) {
            const x = ((px + (sx + 0.5) / SS) / SIZE) * 100
            const y = ((py + (sy + 0.5) / SS) / SIZE) * 100
            if (inside(x, y)) hits++
          }
        }
        const i = (py * SIZE + px) * 4
        buf[i] = r
        buf[i + 1] = g
        buf[i + 2] = b
        buf[i + 3] = Math.round((hits / (SS * SS)) * 255)
      }
    }
    const file = join(here, variant === 'active' ? `${name}-active.png` : `${name}.png`)
    writeFileSync(file, png(buf))
    console.log('wrote', file)
  }
}
