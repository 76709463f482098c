/**
 * Reads of several collections in one round trip: one aggregate over a single driver document with
 * one uncorrelated `$lookup` sub-pipeline (`from` + `pipeline`, no `let`) per part, each part's
 * result an array on that document. A part is written once as a chain on the SDK's aggregate
 * builder (`match`, `group`, `lookup`, `count` …) and runs unchanged either as a sub-pipeline
 * (`db.command.aggregate.pipeline()`) or, when the driver finds no document, as an aggregate of its
 * own collection (all parts in parallel): the figures are the same either way.
 *
 * The driver is the district's first community (a small collection the district sets up before
 * anyone uses the app; the sub-pipelines do not look at it). Without one (a fresh database) the
 * fallback answers.
 */
import { db } from './db'

type Doc = Record<string, any>

/** The SDK's aggregate builder (a collection's `aggregate()` or `db.command.aggregate.pipeline()`). */
export interface Pipeline {
  match(condition: object): Pipeline
  group(spec: object): Pipeline
  project(spec: object): Pipeline
  sort(spec: object): Pipeline
  skip(n: number): Pipeline
  limit(n: number): Pipeline
  lookup(spec: object): Pipeline
  unwind(spec: string | object): Pipeline
  count(field: string): Pipeline
  addFields(spec: object): Pipeline
  replaceRoot(spec: object): Pipeline
}

/**
 * One read of `collection`. A part that returns documents (not a `$count` or a small `$group`)
 * must end in its own `limit`: inside a `$lookup` nothing bounds it, and in the fallback an
 * aggregate without one answers 20 documents on the cloud.
 */
export interface Part {
  collection: string
  build: (pipeline: Pipeline) => Pipeline
}

const DRIVER = 'communities'

/** Every part's documents, in one round trip (or, on a database without a driver document, one per part). */
export async function readTogether<K extends string>(parts: Record<K, Part>): Promise<Record<K, Doc[]>> {
  const keys = Object.keys(parts) as K[]
  const out = {} as Record<K, Doc[]>
  if (keys.length === 0) return out
  const $ = db().command.aggregate
  let agg = db().collection(DRIVER).aggregate().limit(1).project({ _id: true })
  for (const key of keys) {
    const part = parts[key]
    const pipeline = (part.build($.pipeline()) as unknown as { done(): object[] }).done()
    agg = agg.lookup({ from: part.collection, pipeline, as: key })
  }
  const res = (await agg.end()) as { list: Doc[] }
  const driver = res.list[0]
  if (driver) {
    for (const key of keys) out[key] = (driver[key] as Doc[] | undefined) ?? []
    return out
  }
  const lists = await Promise.all(keys.map((key) => aggregateOf(parts[key])))
  keys.forEach((key, i) => (out[key] = lists[i]))
  return out
}

/** One part as an aggregate of its own collection. */
export async function aggregateOf(part: Part): Promise<Doc[]> {
  const res = await (part.build(db().collection(part.collection).aggregate() as Pipeline) as unknown as { end(): Promise<{ list: Doc[] }> }).end()
  return res.list
}
