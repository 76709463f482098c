import type { FigureKey, FigureKind, FigureRecord, FigureValue, SectionKey } from '../../../contracts/reports'
import type { Page } from '../../../contracts/common'
import type { Period } from '../period'
import type { Scope } from '../scope'
import type { Part } from '../../core/together'
import type { Data, Doc, PartKey } from './data'

/** What every figure says about itself (shown on the dashboard, the figure page and in the workbook). */
export interface FigureMeta {
  key: FigureKey
  /** The seed's wording. */
  label: string
  section: SectionKey
  unit: string
  /** stock: as of now, whatever the period; flow: within the period. */
  kind: FigureKind
  /** How it is computed, in Chinese, precise enough to count it again by hand. */
  definition: string
  /** What one record behind it is, e.g. 志愿服务记录. */
  recordLabel: string
}

export type FigureResult = Pick<FigureValue, 'value' | 'target' | 'note' | 'breakdown'>

/**
 * One figure of the report. Every number is counted or aggregated in the database (the grouped
 * parts of ./data.ts), never by fetching records and counting them here, so it is right at any scale.
 */
export interface Figure extends FigureMeta {
  /** The parts (./data.ts) its value, trend and communities are summed from. */
  parts: PartKey[]
  compute(data: Data, scope: Scope, period: Period): FigureResult
  /** The records behind the figure, newest first, paged. */
  records(scope: Scope, period: Period, page: number, pageSize: number): Promise<Page<FigureRecord>>
  /**
   * The same records as two parts of a combined read (reports.figure reads them with the caller and
   * the figure's groups in one round trip): the page (its names joined) and the total (a `count('n')`);
   * `items` makes the page's documents into records. Without it, `records` reads them.
   */
  recordParts?(scope: Scope, period: Period, page: number, pageSize: number): RecordParts
  /** Month by month over the period (flow figures drawn as a trend). */
  monthly?(data: Data): Map<string, number>
  /** Per community (figures drawn side by side): from the district's data. */
  byCommunity?(data: Data): Map<string, number>
}

export interface RecordParts {
  page: Part
  total: Part
  items(docs: Doc[], scope: Scope): FigureRecord[]
}
