import type { Reply } from '@contracts/reply'
import type { ChoosePhotosOptions, UploadedPhoto } from './photoTypes'

function pickFiles(max: number): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = 'image/*'
    input.multiple = max > 1
    input.style.display = 'none'
    input.setAttribute('data-testid', 'photo-input')
    input.addEventListener('change', () => {
      resolve(Array.from(input.files ?? []).slice(0, max))
      input.remove()
    })
    document.body.appendChild(input)
    input.click()
  })
}

function loadImage(file: File): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file)
    const img = new Image()
    img.onload = () => resolve(img)
    img.onerror = () => reject(new Error('not an image'))
    img.src = url
  })
}

/** Phone photos are large: shrink to 1280 px on the long side as JPEG (well under the 1 MB cap). */
async function shrink(file: File, maxBytes: number): Promise<string> {
  const img = await loadImage(file)
  const scale = Math.min(1, 1280 / Math.max(img.naturalWidth, img.naturalHeight))
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(img.naturalWidth * scale))
  canvas.height = Math.max(1, Math.round(img.naturalHeight * scale))
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height)
  for (const quality of [0.82, 0.7, 0.55]) {
    const data = canvas.toDataURL('image/jpeg', quality).replace(/^data:[^,]*,/, '')
    if ((data.length * 3) / 4 <= maxBytes) return data
  }
  throw new Error('too large')
}

/** H5 (the emulator): a file input, each photo shrunk and sent through the domain's upload action. */
export async function choosePhotos({ max, maxBytes, upload }: ChoosePhotosOptions): Promise<Reply<UploadedPhoto[]> | null> {
  const files = await pickFiles(max)
  if (!files.length) return null
  const out: UploadedPhoto[] = []
  for (const file of files) {
    let data: string
    try {
      data = await shrink(file, maxBytes)
    } catch {
      return { ok: false, error: { code: 'INVALID_INPUT', message: '无法读取这张照片，请换一张' } }
    }
    const reply = await upload({ contentType: 'image/jpeg', data })
    if (!reply.ok) return reply
    out.push(reply.data)
  }
  return { ok: true, data: out }
}
