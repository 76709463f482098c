import { defineFunction } from '../../server/core/function'
import { qrcodesActions } from '../../server/qrcodes'

export const main = defineFunction('qrcodes', qrcodesActions)
