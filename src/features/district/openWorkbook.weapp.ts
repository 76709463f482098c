import Taro from '@tarojs/taro'
import { downloadCloudFile } from '@/services/cloud/downloadCloudFile'

/**
 * Mini-program: fetch the workbook from the temporary link the function returned (storage is private,
 * so not by fileID) and open it (Excel opens in WeChat's viewer, with 转发/保存).
 */
export async function openWorkbook(file: { fileID: string; url: string; fileName: string }): Promise<void> {
  const tempFilePath = await downloadCloudFile(file)
  await Taro.openDocument({ filePath: tempFilePath, fileType: 'xlsx', showMenu: true })
}
