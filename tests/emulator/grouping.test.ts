/**
 * The store's own `$group` fold (emulator/backend/grouping.ts) answers exactly what mingo answers
 * on the shapes it takes, and leaves every other shape or document to mingo.
 */
import { Aggregator, ProcessingMode } from 'mingo'
import { foldGroup } from '../../emulator/backend/grouping'
import { MINGO_OPTIONS } from '../../emulator/backend/semantics'
import { Store } from '../../emulator/backend/store'

type Doc = Record<string, any>

const OPTIONS = { ...MINGO_OPTIONS, processingMode: ProcessingMode.CLONE_OFF }

const byMingo = (docs: Doc[], spec: Doc): Doc[] =>
  new Aggregator([{ $group: spec }], { ...MINGO_OPTIONS, processingMode: ProcessingMode.CLONE_OFF }).run(docs) as Doc[]

/** Deep equality that tells undefined-valued fields, -0 and key order apart. */
const shape = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => (v === undefined ? '<undefined>' : Object.is(v, -0) ? '<-0>' : v))

function random(seed: number) {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648
    return x / 2147483648
  }
}

const POOL: unknown[] = ['a', 'b', '1', 1, 0, -0, 2.5, true, false, null, undefined]

function docsFor(seed: number, n: number): Doc[] {
  const r = random(seed)
  const pick = () => POOL[Math.floor(r() * POOL.length)]
  return Array.from({ length: n }, (_, i) => {
    const doc: Doc = { _id: `d${i}` }
    for (const field of ['c', 'm', 'k']) {
      const v = pick()
      if (v !== undefined || r() < 0.5) doc[field] = v
    }
    const amount = [1, 2.25, -3, 0.1, '7', null, undefined, true][Math.floor(r() * 8)]
    if (amount !== undefined) doc.amount = amount
    if (r() < 0.95 || seed > 12) doc.at = new Date(Date.UTC(2026, Math.floor(r() * 12), 1 + Math.floor(r() * 28), Math.floor(r() * 24)))
    if (r() < 0.7) doc.profile = { b: pick() }
    else if (r() < 0.5) doc.profile = null
    return doc
  })
}

const SPECS: Doc[] = [
  { _id: '$c', n: { $sum: 1 } },
  { _id: '$c', n: { $sum: 1 }, v: { $sum: '$amount' } },
  { _id: '$profile.b', n: { $sum: 2 } },
  { _id: { c: '$c', m: '$m' }, n: { $sum: 1 } },
  { _id: { f: '$k', m: '$m', r: '$c', c: '$profile.b' }, n: { $sum: 1 }, v: { $sum: '$amount' } },
  { n: { $sum: 1 }, _id: { x: '$missing' } },
  { _id: '$missing', total: { $sum: '$amount' }, half: { $sum: 0.5 } },
  { _id: null, readers: { $sum: 1 }, reads: { $sum: '$amount' } },
  // An operator expression as a key field (the dashboard's months): mingo computes it.
  { _id: { b: '$c', m: { $dateToString: { date: { $add: ['$at', 8 * 3600_000] }, format: '%Y-%m' } } }, n: { $sum: 1 }, v: { $sum: '$amount' } },
  { _id: { t: { $type: '$m' }, c: '$c' }, n: { $sum: 1 } }
]

describe('the store folds a $group as mingo does', () => {
  it.each(SPECS.map((spec) => [shape(spec), spec]))('%s', (_name, spec) => {
    for (let seed = 1; seed <= 25; seed++) {
      const docs = docsFor(seed, 1 + seed * 7)
      let expected: string
      try {
        expected = shape(byMingo(docs, spec))
      } catch (error) {
        // A document mingo refuses (no date for $dateToString): the fold steps aside, mingo refuses.
        expect(foldGroup(docs, spec, OPTIONS)).toBeUndefined()
        continue
      }
      const folded = foldGroup(docs, spec, OPTIONS)
      expect(folded).toBeDefined()
      expect(shape(folded)).toBe(expected)
    }
  })

  it('answers nothing for an empty input, as mingo', () => {
    expect(foldGroup([], { _id: '$c', n: { $sum: 1 } }, OPTIONS)).toEqual(byMingo([], { _id: '$c', n: { $sum: 1 } }))
  })

  it('leaves other shapes and documents to mingo', () => {
    const docs = [{ _id: 1, c: 'a', amount: 1 }]
    for (const spec of [
      { n: { $sum: 1 } },
      { _id: 'literal', n: { $sum: 1 } },
      { _id: 3, n: { $sum: 1 } },
      { _id: '$$ROOT', n: { $sum: 1 } },
      { _id: '$c', n: { $avg: '$amount' } },
      { _id: '$c', n: { $sum: { $multiply: ['$amount', 2] } } },
      { _id: '$c', 'a.b': { $sum: 1 } },
      { _id: { $toUpper: '$c' }, n: { $sum: 1 } },
      { _id: { c: '$c', d: 'literal' }, n: { $sum: 1 } },
      { _id: { c: '$c', d: { $literal: { x: 1 } } }, n: { $sum: 1 } },
      { _id: '$c.0', n: { $sum: 1 } },
      { _id: '$c', n: { $sum: NaN } }
    ]) {
      expect(foldGroup(docs, spec, OPTIONS)).toBeUndefined()
    }
    expect(foldGroup([{ _id: 1, c: ['a'] }], { _id: '$c', n: { $sum: 1 } }, OPTIONS)).toBeUndefined()
    expect(foldGroup([{ _id: 1, c: new Date(0) }], { _id: '$c', n: { $sum: 1 } }, OPTIONS)).toBeUndefined()
    expect(foldGroup([{ _id: 1, c: { x: 1 } }], { _id: '$c', n: { $sum: 1 } }, OPTIONS)).toBeUndefined()
    expect(foldGroup([{ _id: 1, c: NaN }], { _id: '$c', n: { $sum: 1 } }, OPTIONS)).toBeUndefined()
    expect(foldGroup([{ _id: 1, c: 'a', amount: [1] }], { _id: '$c', n: { $sum: '$amount' } }, OPTIONS)).toBeUndefined()
    expect(foldGroup([{ _id: 1, c: [{ b: 1 }] }], { _id: '$c.b', n: { $sum: 1 } }, OPTIONS)).toBeUndefined()
  })

  it('gives the same answer through the store whether it folds or mingo groups', () => {
    const store = new Store()
    const docs = docsFor(13, 300)
    store.insertMany('things', docs)
    // Arrays and Dates in the key: the fold steps aside and mingo groups, as before.
    store.insertMany('things', [{ _id: 'arr', c: ['a', 'b'], amount: 4, at: new Date(9) }, { _id: 'date', c: new Date(5), amount: 1, at: new Date(7) }])
    for (const spec of SPECS) {
      const all = store.aggregate('things', [{ $group: spec }])
      expect(shape(all)).toBe(shape(byMingo(store.find('things'), spec)))
      const some = store.aggregate('things', [{ $match: { _id: { $in: docs.slice(0, 40).map((d) => d._id) } } }, { $group: spec }, { $sort: { n: -1 } }, { $limit: 5 }])
      const expected = new Aggregator([{ $group: spec }, { $sort: { n: -1 } }, { $limit: 5 }], { ...MINGO_OPTIONS, processingMode: ProcessingMode.CLONE_OFF }).run(docs.slice(0, 40)) as Doc[]
      expect(shape(some)).toBe(shape(expected))
    }
    // A document mingo refuses is refused as before, with mingo's error.
    store.insertMany('bad', [{ _id: 1, c: 'a', at: new Date(1) }, { _id: 2, c: 'a' }])
    expect(() => store.aggregate('bad', [{ $group: SPECS[8] }])).toThrow('[InvalidParameter] cannot convert null to date')
  })
})
