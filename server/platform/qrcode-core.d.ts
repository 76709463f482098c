/** qrcode's symbol builder (lib/core/qrcode.js), which @types/qrcode does not declare. */
declare module 'qrcode/lib/core/qrcode' {
  export interface QrSymbol {
    modules: { size: number; data: Uint8Array }
    version: number
  }
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'; version?: number }): QrSymbol
}
