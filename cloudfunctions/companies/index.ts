import { defineFunction } from '../../server/core/function'
import { companiesActions } from '../../server/companies'

export const main = defineFunction('companies', companiesActions)
