import type { Photo } from '@contracts/tickets'
import { TICKET_LIMITS } from '@contracts/tickets'
import type { Reply } from '@contracts/reply'
// The generic picker is a platform module (src/components/photos.{weapp,h5}.ts).
import { choosePhotos as pickPhotos } from '@/components/photoPicker'
import { ticketsApi } from './api'

/** Pick up to `max` photos and upload them as the caller's (H5: through `tickets.upload`). Null when cancelled. */
export function choosePhotos(max: number, openid: string): Promise<Reply<Photo[]> | null> {
  return pickPhotos({ max, openid, maxBytes: TICKET_LIMITS.uploadBytes, upload: (input) => ticketsApi.upload(input) })
}
