/**
 * Shared types and constants of the 用户隐私保护指引 flow. Its own platform-free module because
 * index.weapp.ts / index.h5.ts cannot import them from ./index: in a Taro build `./index`
 * resolves to the platform file itself.
 */

/** The id of the popup's 同意并继续 button; WeChat checks that a button with this id was tapped. */
export const PRIVACY_AGREE_BUTTON_ID = 'hl-privacy-agree'

/** What the popup lists: which data the privacy APIs we call collect, and why (the mp admin's guide says the same). */
export const PRIVACY_USES: ReadonlyArray<{ data: string; why: string }> = [
  { data: '位置信息', why: '志愿活动现场签到时确认您在活动地点附近；查找离您最近的邻里中心；工作人员填写活动或中心的地点' },
  { data: '照片', why: '报事报修时拍照或从相册选图，说明问题' },
  { data: '文件', why: '发布通知时从聊天记录选择附件' },
  { data: '保存到相册', why: '保存海报、志愿服务证明等图片' },
  { data: '剪贴板', why: '复制核验链接、活动链接等' }
]

/** The argument of WeChat's resolve (wx.onNeedPrivacyAuthorization). */
export type PrivacyResolveOption = { event: 'agree'; buttonId: string } | { event: 'disagree' } | { event: 'exposureAuthorization' }

/** Called with true while WeChat waits for the user's answer, false once it is given. */
export type PrivacyListener = (pending: boolean) => void
