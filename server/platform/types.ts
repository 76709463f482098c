/**
 * The platform seams: each has a WeChat-cloud implementation and a local one for the emulator
 * and tests. Nothing else in server/ knows where it runs.
 */
export interface StoredFile {
  /** Cloud storage fileID on WeChat (cloud://…); `local://<path>` on the emulator. */
  fileID: string
  /** A URL a browser or the mini-program can open (temporary on WeChat). */
  url: string
}

export interface Files {
  put(path: string, content: Buffer, contentType: string): Promise<StoredFile>
  url(fileID: string): Promise<string>
  /** Deletes files (those already gone are skipped): personal-data copies when an account is deleted. */
  remove(fileIDs: string[]): Promise<void>
}

export interface MiniProgramCodes {
  /** A mini-program code (WeChat) or a QR PNG (emulator) that opens `page` with `scene`. */
  create(input: { scene: string; page: string; path: string }): Promise<StoredFile>
  /**
   * The same code as a PNG, not stored (a code used once: the back office's sign-in QR). WeChat:
   * wxacode.getUnlimited (check_path false: the page may be unpublished while developing).
   */
  image(input: { scene: string; page: string }): Promise<Buffer>
}

export interface SubscriptionMessage {
  touser: string
  templateId: string
  page?: string
  data: Record<string, { value: string }>
  /** A Chinese one-line summary for the local outbox and logs. */
  summary: string
}

export interface Messages {
  send(message: SubscriptionMessage): Promise<void>
}

export interface ContentCheckResult {
  ok: boolean
  reason?: string
}

export interface ContentCheck {
  text(content: string, openid: string): Promise<ContentCheckResult>
  image(fileID: string, openid: string): Promise<ContentCheckResult>
  /**
   * Several images of one action: one read of their earlier checks, or none when `known` (the
   * `mediaChecks` documents `mediaChecksPart` read with the action's first read; typed there, in
   * server/core/mediaChecks.ts, which this seam does not import). Refused when any is risky.
   */
  images(fileIDs: string[], openid: string, known?: readonly object[]): Promise<ContentCheckResult>
}

export interface Platform {
  kind: 'cloud' | 'local'
  files: Files
  codes: MiniProgramCodes
  messages: Messages
  contentCheck: ContentCheck
}

/** How long a temporary file URL handed out by a function lives (getTempFileURL `maxAge`, seconds). */
export const TEMP_URL_SECONDS = 2 * 3600
