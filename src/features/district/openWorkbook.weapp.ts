import Taro from '@tarojs/taro'

/** Mini-program: fetch the cloud file and open it (Excel opens in WeChat's viewer, with 转发/保存). */
export async function openWorkbook(file: { fileID: string; url: string; fileName: string }): Promise<void> {
  const { tempFilePath } = await Taro.cloud.downloadFile({ fileID: file.fileID })
  await Taro.openDocument({ filePath: tempFilePath, fileType: 'xlsx', showMenu: true })
}
