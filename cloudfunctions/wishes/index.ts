import { defineFunction } from '../../server/core/function'
import { wishesActions } from '../../server/wishes'

export const main = defineFunction('wishes', wishesActions)
