/**
 * The numbers residents meet in reports and wishes, zod-free: the contracts' schemas use them and
 * the function shell's rate limits (server/core/rateLimits.ts) take the daily allowances from here,
 * so every function bundle need not load those contracts.
 */
/** Rules a resident meets; the server enforces the same numbers. */
export const TICKET_LIMITS = {
  /** Tickets one resident may open per calendar day (Asia/Shanghai). */
  perDay: 5,
  photos: 6,
  descriptionMin: 5,
  descriptionMax: 500,
  noteMax: 500,
  /** A resolved ticket without the reporter's answer closes itself after this many days. */
  autoCloseDays: 7,
  /** Largest photo the H5 upload action accepts (decoded bytes). */
  uploadBytes: 1024 * 1024
} as const

/** minutesMax matches the volunteer capability's cap on hours from one wish (8 h). */
export const WISH_LIMITS = { perDay: 3, titleMax: 40, descriptionMax: 300, minutesMin: 10, minutesMax: 480 } as const
