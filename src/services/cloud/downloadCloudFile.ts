import Taro from '@tarojs/taro'

/**
 * Mini-program only (imported from *.weapp.ts files): fetches a file a cloud function wrote (an
 * export, a workbook, a code image) to a local temporary path.
 *
 * Cloud storage is deployed as 仅创建者及管理员可读写: a file a function uploaded is not owned by the
 * user, so `Taro.cloud.downloadFile({ fileID })` is refused (the storage rule applies to the
 * mini-program side only; it does not govern the https link getTempFileURL signs). The function
 * therefore returns that temporary link and the file is fetched from it. The storage domain
 * (…tcb.qcloud.la) must be listed among the downloadFile 合法域名.
 */
export async function downloadCloudFile(file: { url: string }): Promise<string> {
  if (!file.url) throw new Error('The file has no download link')
  // wx.downloadFile also "succeeds" on an HTTP error (e.g. 403 after the link expired).
  const res = await Taro.downloadFile({ url: file.url })
  if (res.statusCode !== 200 || !res.tempFilePath) throw new Error(`Download failed (HTTP ${res.statusCode})`)
  return res.tempFilePath
}
