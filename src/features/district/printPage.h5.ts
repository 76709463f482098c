/** H5: the browser's print dialog (the report page has print styles). */
export const canPrint = true
export function printPage(): void {
  window.print()
}
