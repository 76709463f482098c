/**
 * What differs between the mini-program and H5 for 在职党员报到 (Taro picks `platform.weapp.ts` /
 * `platform.h5.ts` at build time; this file is the neutral fallback for tsc and jest). Platform
 * files never import `./platform` (it would resolve to themselves).
 */

/** Whether the app can open the camera to scan (H5 shows a field to paste or type the code instead). */
export const canScan = false

/** Scans a community's 报到码; resolves what it read (a page path with `scene=`, or text), or null. */
export async function scanCode(): Promise<string | null> {
  return null
}

/**
 * Asks to be told of the review's outcome. Call it directly in the submit tap handler (WeChat
 * shows the prompt only there); it never blocks the submission.
 */
export function askReviewMessage(_templateIds: string[]): void {}

/** Opens an exported workbook (mini-program: WeChat's document viewer; H5: a download). */
export async function openWorkbook(_file: { fileID: string; url: string; fileName: string }): Promise<void> {}

/** Whether the poster can be printed from here (H5: the browser's print dialog). */
export const canPrint = false
export function printPage(): void {}

/** Saves the code image to the phone's album (mini-program); resolves whether it was saved. */
export async function saveImage(_file: { fileID: string; url: string }): Promise<boolean> {
  return false
}

/** Calls a phone number. */
export function dial(_mobile: string): void {}
