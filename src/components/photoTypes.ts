import type { Reply } from '@contracts/reply'

/** A stored photo: its fileID (`cloud://…` or `local://…`) and a URL to show it. */
export interface UploadedPhoto {
  fileID: string
  url: string
}

export interface ChoosePhotosOptions {
  /** How many more photos may be picked. */
  max: number
  /** The caller: photos go to `uploads/<openid>/…`, the folder the server accepts as theirs. */
  openid: string
  /** H5: the largest photo the domain's upload action accepts (decoded bytes). */
  maxBytes: number
  /** H5: the domain's upload action (base64 JPEG → stored photo), e.g. `tickets.upload`, `centers.upload`. */
  upload: (input: { contentType: 'image/jpeg'; data: string }) => Promise<Reply<UploadedPhoto>>
}
