import { call } from '@/services/cloud'
import {
  noticesContract,
  type NoticesListInput,
  type NoticesPublishInput,
  type NoticesReadStatsInput,
  type NoticesUpdateInput
} from '@contracts/notices'

const FN = 'notices'
const c = noticesContract

/** Typed calls of the `notices` function (replies parsed with the shared contract). */
export const noticesApi = {
  list: (input: NoticesListInput) => call(FN, 'list', input, c.list.output),
  get: (noticeId: string) => call(FN, 'get', { noticeId }, c.get.output),
  unreadCount: () => call(FN, 'unreadCount', {}, c.unreadCount.output),
  publish: (input: NoticesPublishInput) => call(FN, 'publish', input, c.publish.output),
  update: (input: NoticesUpdateInput) => call(FN, 'update', input, c.update.output),
  withdraw: (noticeId: string, reason?: string) => call(FN, 'withdraw', { noticeId, reason }, c.withdraw.output),
  readStats: (input: NoticesReadStatsInput) => call(FN, 'readStats', input, c.readStats.output),
  upload: (input: { name: string; contentType: string; data: string }) => call(FN, 'upload', input, c.upload.output),
  places: (input: { communityId?: string; gridId?: string } = {}) => call(FN, 'places', input, c.places.output),
  subscribe: () => call(FN, 'subscribe', {}, c.subscribe.output),
  setResidence: (input: { communityId: string; gridId: string; buildingId: string }) => call(FN, 'setResidence', input, c.setResidence.output)
}
