import Taro from '@tarojs/taro'

/**
 * Fallback (tsc/jest). Taro resolves `./openWorkbook` to the platform file: H5 downloads the file from
 * the emulator's URL; the mini-program downloads the cloud file and opens it with openDocument.
 */
export async function openWorkbook(file: { fileID: string; url: string; fileName: string }): Promise<void> {
  await Taro.showToast({ title: file.fileName, icon: 'none' })
}
