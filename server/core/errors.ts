import type { ErrorCode } from '../../src/contracts/reply'

/** Thrown anywhere in a handler; the function shell turns it into `{ ok: false, error }`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: string[]
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what}不存在`)
export const forbidden = (message = '无权进行此操作') => new AppError('FORBIDDEN', message)
export const conflict = (message: string) => new AppError('CONFLICT', message)
export const invalid = (message: string, fields?: string[]) => new AppError('INVALID_INPUT', message, fields)
