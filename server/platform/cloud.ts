import { sdk } from '../core/db'
import type { Platform } from './types'

async function tempUrl(fileID: string): Promise<string> {
  const res = await sdk().getTempFileURL({ fileList: [fileID] })
  const list = (res as { fileList: { tempFileURL: string }[] }).fileList
  return list[0]?.tempFileURL ?? ''
}

/** WeChat cloud: cloud storage, wxacode, subscription messages and the platform content check. */
export const cloudPlatform: Platform = {
  kind: 'cloud',
  files: {
    async put(path, content) {
      const res = await sdk().uploadFile({ cloudPath: path, fileContent: content })
      return { fileID: res.fileID, url: await tempUrl(res.fileID) }
    },
    url: tempUrl
  },
  codes: {
    async create({ scene, page, path }) {
      const res = await sdk().openapi.wxacode.getUnlimited({ scene, page, checkPath: false, width: 430 })
      const uploaded = await sdk().uploadFile({ cloudPath: path, fileContent: res.buffer as Buffer })
      return { fileID: uploaded.fileID, url: await tempUrl(uploaded.fileID) }
    }
  },
  messages: {
    async send({ touser, templateId, page, data }) {
      try {
        await sdk().openapi.subscribeMessage.send({ touser, templateId, page, data, miniprogramState: 'formal' })
      } catch (error) {
        // 43101: the user has not subscribed (or used up the one-time grant). Not an error for the action.
        if ((error as { errCode?: number }).errCode !== 43101) throw error
      }
    }
  },
  contentCheck: {
    async text(content, openid) {
      const res = await sdk().openapi.security.msgSecCheck({ content, version: 2, scene: 2, openid })
      const suggest = (res as { result?: { suggest?: string } }).result?.suggest
      return suggest === 'pass' ? { ok: true } : { ok: false, reason: '内容含有违规信息，请修改后再提交' }
    },
    async image(fileID, openid) {
      // mediaCheckAsync answers later through a message push; the request itself must be accepted.
      const url = await tempUrl(fileID)
      await sdk().openapi.security.mediaCheckAsync({ mediaUrl: url, mediaType: 2, version: 2, scene: 2, openid })
      return { ok: true }
    }
  }
}
