/** Fallback and mini-program: no browser printing (the workbook is the printable form there). */
export const canPrint = false
export function printPage(): void {}
