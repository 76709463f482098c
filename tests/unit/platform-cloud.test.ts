/**
 * The WeChat-cloud seam (server/platform/cloud.ts) against a fake of wx-server-sdk's `openapi`,
 * cloud storage and init (a jest module mock for this unit only: nothing here touches a database).
 *
 * Call shapes are held to WeChat's documented body parameters: wx-server-sdk takes camelCase and
 * sends snake_case (its convertCase, node_modules/wx-server-sdk/index.js: /[A-Z]/ → "_" + lower
 * case, recursively), so each call is checked both as the SDK receives it and as WeChat gets it.
 * The SDK answers in camelCase (trace_id → traceId) and rejects with errCode = WeChat's errcode.
 */
jest.mock('wx-server-sdk', () => ({
  init: jest.fn(),
  DYNAMIC_CURRENT_ENV: Symbol('current env'),
  openapi: {
    subscribeMessage: { send: jest.fn() },
    security: { msgSecCheck: jest.fn(), mediaCheckAsync: jest.fn() },
    wxacode: { getUnlimited: jest.fn() }
  },
  getTempFileURL: jest.fn(async ({ fileList }: { fileList: { fileID: string; maxAge: number }[] }) => ({
    fileList: fileList.map(({ fileID }) => ({ fileID, tempFileURL: `https://tmp.example/${encodeURIComponent(fileID)}` }))
  })),
  uploadFile: jest.fn(async ({ cloudPath }: { cloudPath: string }) => ({ fileID: `cloud://env-1.bucket/${cloudPath}` })),
  deleteFile: jest.fn(async ({ fileList }: { fileList: string[] }) => ({ fileList: fileList.map((fileID) => ({ fileID, status: 0 })) }))
}))

import { cloudPlatform, sendSubscription, submitImageCheck, textFlagged, WX_ERRORS } from '../../server/platform/cloud'
import { TEMP_URL_SECONDS } from '../../server/platform/types'
import { MSG_SEC_CHECK_MAX_CHARS } from '../../server/platform/chunks'
import { TEMPLATES } from '../../server/notify/templates'

type Fn = jest.Mock<any, any>
const fake = jest.requireMock('wx-server-sdk') as {
  openapi: { subscribeMessage: { send: Fn }; security: { msgSecCheck: Fn; mediaCheckAsync: Fn }; wxacode: { getUnlimited: Fn } }
  getTempFileURL: Fn
  uploadFile: Fn
  deleteFile: Fn
}
const { openapi, getTempFileURL, uploadFile, deleteFile } = fake

/** wx-server-sdk's camelCase → snake_case conversion (the same rule as its convertCase). */
function snake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snake)
  if (value && typeof value === 'object' && !Buffer.isBuffer(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (m, i) => `${i ? '_' : ''}${m.toLowerCase()}`), snake(v)]))
  return value
}

/** The SDK's rejection for a non-zero errcode. */
const wxError = (errCode: number, errMsg = 'fail') => Object.assign(new Error(errMsg), { errCode, errMsg })

beforeEach(() => {
  jest.clearAllMocks()
  delete process.env.TPL_TICKET_PROGRESS_KEYS
})

const progress = {
  touser: 'o-user',
  templateId: TEMPLATES.ticketProgress.id,
  page: 'packages/tickets/pages/detail/index?id=T1',
  data: { thing1: { value: '下水道/管网' }, phrase2: { value: '已受理' }, thing3: { value: '物业已安排人员上门' }, time4: { value: '2026-11-27 09:30' } },
  summary: '工单已受理'
}

describe('subscribeMessage.send', () => {
  test('sends touser, templateId, page, data and miniprogramState (template_id, miniprogram_state on the wire)', async () => {
    openapi.subscribeMessage.send.mockResolvedValue({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' })
    await cloudPlatform.messages.send(progress)
    expect(openapi.subscribeMessage.send).toHaveBeenCalledTimes(1)
    const [params] = openapi.subscribeMessage.send.mock.calls[0]
    expect(params).toEqual({ touser: 'o-user', templateId: progress.templateId, page: progress.page, data: progress.data, miniprogramState: 'formal' })
    // As WeChat gets it: its documented body parameters, data keys untouched.
    expect(Object.keys(snake(params) as object).sort()).toEqual(['data', 'miniprogram_state', 'page', 'template_id', 'touser'])
    expect((snake(params) as { data: object }).data).toEqual(progress.data)
    // The one-line summary is for the outbox and logs, never sent.
    expect(params).not.toHaveProperty('summary')
  })

  test('43101 (the user refused or has no grant left) is not an error of the action', async () => {
    openapi.subscribeMessage.send.mockRejectedValue(wxError(WX_ERRORS.userRefused, 'user refuse to accept the msg'))
    await expect(sendSubscription(progress)).resolves.toBeUndefined()
  })

  test('47003 (the data does not fit the template) names the setting to change', async () => {
    openapi.subscribeMessage.send.mockRejectedValue(wxError(WX_ERRORS.badTemplateData, 'argument invalid! data.thing3.value invalid'))
    await expect(sendSubscription(progress)).rejects.toThrow(/47003.*TPL_TICKET_PROGRESS_KEYS/)
  })

  test('other failures reach the sender', async () => {
    openapi.subscribeMessage.send.mockRejectedValue(wxError(40003, 'invalid openid'))
    await expect(sendSubscription(progress)).rejects.toMatchObject({ errCode: 40003 })
  })

  test('a template with other keys is served by <env>_KEYS: keys renamed, values fitted to their type', async () => {
    process.env.TPL_TICKET_PROGRESS_KEYS = 'thing1=thing7, phrase2=phrase3, thing3=thing12, time4=date5'
    openapi.subscribeMessage.send.mockResolvedValue({ errCode: 0 })
    await sendSubscription({ ...progress, data: { ...progress.data, thing3: { value: '物业已安排维修人员今天下午上门疏通，请保持电话畅通' } } })
    const [params] = openapi.subscribeMessage.send.mock.calls[0]
    expect(params.data).toEqual({
      thing7: { value: '下水道/管网' },
      phrase3: { value: '已受理' },
      thing12: { value: '物业已安排维修人员今天下午上门疏通，请…' },
      date5: { value: '2026-11-27 09:30' }
    })
    expect([...params.data.thing12.value]).toHaveLength(20)
  })

  test('data that does not match the declaration is not sent (WeChat would answer 47003)', async () => {
    const { time4, ...missing } = progress.data
    void time4
    await expect(sendSubscription({ ...progress, data: missing })).rejects.toThrow(/time4: missing/)
    await expect(sendSubscription({ ...progress, data: { ...progress.data, thing9: { value: 'x' } } })).rejects.toThrow(/thing9: not declared/)
    await expect(sendSubscription({ ...progress, data: { ...progress.data, time4: { value: '明天上午' } } })).rejects.toThrow(/time4: not a valid time/)
    expect(openapi.subscribeMessage.send).not.toHaveBeenCalled()
  })
})

describe('security.msgSecCheck', () => {
  const pass = { errCode: 0, traceId: 't', result: { suggest: 'pass', label: 100 }, detail: [] }
  const risky = { errCode: 0, traceId: 't', result: { suggest: 'risky', label: 20001 }, detail: [] }

  test('sends content, version 2, scene and openid (the documented body, unchanged on the wire)', async () => {
    openapi.security.msgSecCheck.mockResolvedValue(pass)
    await expect(cloudPlatform.contentCheck.text('楼道灯坏了', 'o-user')).resolves.toEqual({ ok: true })
    const [params] = openapi.security.msgSecCheck.mock.calls[0]
    expect(params).toEqual({ content: '楼道灯坏了', version: 2, scene: 2, openid: 'o-user' })
    expect(snake(params)).toEqual(params)
  })

  test('refused when result.suggest is not pass (risky or review), or on errcode 87014', async () => {
    openapi.security.msgSecCheck.mockResolvedValueOnce(risky)
    await expect(cloudPlatform.contentCheck.text('x', 'o')).resolves.toMatchObject({ ok: false })
    openapi.security.msgSecCheck.mockResolvedValueOnce({ ...risky, result: { suggest: 'review', label: 20001 } })
    await expect(textFlagged('x', 'o')).resolves.toBe(true)
    openapi.security.msgSecCheck.mockRejectedValueOnce(wxError(WX_ERRORS.riskyContent, 'risky content'))
    await expect(cloudPlatform.contentCheck.text('x', 'o')).resolves.toMatchObject({ ok: false })
  })

  test('other errors are errors (not a silent pass)', async () => {
    openapi.security.msgSecCheck.mockRejectedValue(wxError(61010, 'user access log timeout'))
    await expect(cloudPlatform.contentCheck.text('x', 'o')).rejects.toMatchObject({ errCode: 61010 })
  })

  test('a 10,000-character notice goes in chunks of at most 2,500, a few at a time; one flagged chunk refuses it', async () => {
    const paragraph = '社区将于本周六开展环境整治活动，请各位居民积极参与。\n'
    const text = paragraph.repeat(370) + '代开发票'
    expect(text.length).toBeGreaterThan(9600)
    let inFlight = 0
    let most = 0
    openapi.security.msgSecCheck.mockImplementation(async ({ content }: { content: string }) => {
      inFlight++
      most = Math.max(most, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 5))
      inFlight--
      return content.includes('代开发票') ? risky : pass
    })
    await expect(cloudPlatform.contentCheck.text(text, 'o')).resolves.toMatchObject({ ok: false })
    const sent = openapi.security.msgSecCheck.mock.calls.map(([p]) => p.content as string)
    expect(sent.length).toBeGreaterThanOrEqual(4)
    for (const chunk of sent) expect(chunk.length).toBeLessThanOrEqual(MSG_SEC_CHECK_MAX_CHARS)
    expect(most).toBeLessThanOrEqual(3)
    expect(most).toBeGreaterThan(1)
    // Cut at line ends: every chunk but the last ends with one.
    for (const chunk of sent.slice(0, -1)) expect(chunk.endsWith('\n')).toBe(true)

    openapi.security.msgSecCheck.mockClear()
    await expect(cloudPlatform.contentCheck.text(paragraph.repeat(370), 'o')).resolves.toEqual({ ok: true })
    expect(openapi.security.msgSecCheck.mock.calls.length).toBeGreaterThanOrEqual(4)
  })
})

describe('security.mediaCheckAsync', () => {
  test('sends mediaUrl (a temporary URL of the file), mediaType 2, version 2, scene and openid; answers the trace id', async () => {
    openapi.security.mediaCheckAsync.mockResolvedValue({ errCode: 0, errMsg: 'openapi.security.mediaCheckAsync:ok', traceId: '6247e8b4-5601e99c-0782c62b' })
    const fileID = 'cloud://env-1.bucket/uploads/o-user/2026-11/a.jpg'
    await expect(submitImageCheck(fileID, 'o-user')).resolves.toBe('6247e8b4-5601e99c-0782c62b')
    expect(getTempFileURL).toHaveBeenCalledWith({ fileList: [{ fileID, maxAge: TEMP_URL_SECONDS }] })
    const [params] = openapi.security.mediaCheckAsync.mock.calls[0]
    expect(params).toEqual({ mediaUrl: `https://tmp.example/${encodeURIComponent(fileID)}`, mediaType: 2, version: 2, scene: 2, openid: 'o-user' })
    expect(Object.keys(snake(params) as object).sort()).toEqual(['media_type', 'media_url', 'openid', 'scene', 'version'])
  })

  test('a failed submission is an error of the action', async () => {
    openapi.security.mediaCheckAsync.mockRejectedValue(wxError(-1, 'system busy'))
    await expect(submitImageCheck('cloud://env-1.bucket/uploads/o/a.jpg', 'o')).rejects.toMatchObject({ errCode: -1 })
    openapi.security.mediaCheckAsync.mockResolvedValue({ errCode: 0 })
    await expect(submitImageCheck('cloud://env-1.bucket/uploads/o/a.jpg', 'o')).rejects.toThrow(/trace id/)
  })
})

describe('wxacode.getUnlimited', () => {
  test('sends scene, page, checkPath false and width; stores the PNG and answers its URL', async () => {
    openapi.wxacode.getUnlimited.mockResolvedValue({ errCode: 0, contentType: 'image/jpeg', buffer: Buffer.from([1, 2, 3]) })
    const stored = await cloudPlatform.codes.create({ scene: 'c=abc123', page: 'packages/members/pages/register/index', path: 'codes/c1.png' })
    const [params] = openapi.wxacode.getUnlimited.mock.calls[0]
    expect(params).toEqual({ scene: 'c=abc123', page: 'packages/members/pages/register/index', checkPath: false, width: 430 })
    expect(Object.keys(snake(params) as object).sort()).toEqual(['check_path', 'page', 'scene', 'width'])
    expect(params.scene.length).toBeLessThanOrEqual(32)
    expect(uploadFile).toHaveBeenCalledWith({ cloudPath: 'codes/c1.png', fileContent: Buffer.from([1, 2, 3]) })
    expect(stored).toEqual({ fileID: 'cloud://env-1.bucket/codes/c1.png', url: expect.stringContaining('https://tmp.example/') })
  })
})

describe('cloud storage', () => {
  test('a file is stored with uploadFile and handed out by a temporary URL that lives TEMP_URL_SECONDS', async () => {
    const stored = await cloudPlatform.files.put('exports/personal/x.json', Buffer.from('{}'), 'application/json')
    expect(uploadFile).toHaveBeenCalledWith({ cloudPath: 'exports/personal/x.json', fileContent: Buffer.from('{}') })
    expect(getTempFileURL).toHaveBeenLastCalledWith({ fileList: [{ fileID: 'cloud://env-1.bucket/exports/personal/x.json', maxAge: TEMP_URL_SECONDS }] })
    expect(stored.url).toContain('https://tmp.example/')
  })

  test('deleteFile takes at most 50 fileIDs a call: 120 files are removed in three calls', async () => {
    deleteFile.mockClear()
    const ids = Array.from({ length: 120 }, (_, i) => `cloud://env-1.bucket/exports/personal/${i}.json`)
    await cloudPlatform.files.remove(ids)
    expect(deleteFile.mock.calls.map(([arg]) => arg.fileList.length)).toEqual([50, 50, 20])
    expect(deleteFile.mock.calls.flatMap(([arg]) => arg.fileList)).toEqual(ids)
  })
})
