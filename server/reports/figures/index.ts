import { FIGURE_KEYS, type FigureKey } from '../../../contracts/reports'
import { organisationFigures } from './organisation'
import { propertyFigures } from './property'
import { serviceFigures } from './service'
import { supportFigures } from './support'
import type { Figure } from './types'

/** Every figure of the report, in the seed's order (section by section). */
export const FIGURES: Figure[] = [...organisationFigures, ...propertyFigures, ...serviceFigures, ...supportFigures]

const byKey = new Map<FigureKey, Figure>(FIGURES.map((f) => [f.key, f]))

export function figureOf(key: FigureKey): Figure | undefined {
  return byKey.get(key)
}

/** Figures drawn as trends on the dashboard (month by month). */
export const TREND_KEYS: FigureKey[] = ['volunteerHours', 'volunteerActivities', 'problemsSolved']

/** Figures drawn per community on the district dashboard. */
export const COMPARE_KEYS: FigureKey[] = ['membersApproved', 'volunteerHours', 'problemsSolved', 'centersBuilt', 'centerFunding']

// The contract's key list and the registry must agree (checked once when the module loads).
const missing = FIGURE_KEYS.filter((k) => !byKey.has(k))
if (missing.length) throw new Error(`reports: figures without a definition: ${missing.join(', ')}`)

export type { Figure } from './types'
