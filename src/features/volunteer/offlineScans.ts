/**
 * Scans made without signal (on site, in a basement, at a rural activity): a check-in/check-out
 * scan of the organiser's code, or the organiser's scan of a personal code, that fails for no
 * network is kept in the phone's storage with the moment it was scanned and sent when the signal
 * returns (the network comes back, the page is shown again, or 立即上传). The server accepts it
 * when the code was valid at that moment (server/activities/checkin.ts, "Queued scans").
 *
 * Only a failure without a usable answer (INTERNAL: no signal, a timeout, a captive portal's page,
 * a server error) keeps a scan: any other answer (success or refusal) is final and removes it, so a
 * refused scan is never retried. Re-sending is harmless (the server records once).
 *
 * Each scan carries the openid of who scanned when it is known, and only the signed-in person's
 * scans are sent (H5 persona switching; on WeChat the storage is per user anyway).
 */
import { useEffect, useRef, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { QUEUED_SCAN_CLOCK_SKEW_MS, QUEUED_SCAN_MAX_AGE_MS, type ActivityDetail, type CheckInput, type CheckResult, type StaffScanInput } from '@contracts/activities'
import type { Reply } from '@contracts/reply'
import { sessionStore } from '@/features/session'
import { activitiesApi } from './api'
import { OFFLINE_SCANS_KEY } from './offlineKey'
import { onSignalBack } from './network'
import { activityIdOfToken } from './token'

/** `by`: the openid of who scanned, when known at the time (absent: sent for whoever is signed in). */
export type QueuedScan =
  | { id: string; kind: 'checkIn' | 'checkOut'; payload: CheckInput; scannedAt: number; by?: string }
  | { id: string; kind: 'staffScan'; payload: StaffScanInput; scannedAt: number; by?: string }

/** A queued scan the server answered: its result or its refusal (final either way). */
export interface ScanOutcome {
  scan: QueuedScan
  reply: Reply<CheckResult>
}

const ACTIVITY_KEY = 'honglin.volunteer.checkinActivity'
/**
 * Bounded: an organiser checking a large activity in and out offline stays far below it. Scans the
 * server would refuse as too old are dropped first; a queue still full refuses the new scan.
 */
export const MAX_QUEUED_SCANS = 500
export const QUEUE_FULL_MESSAGE = `无信号时已记录${MAX_QUEUED_SCANS}次扫码，无法再记录。请到有信号的地方上传后再扫码`
/** Older than the server accepts (its window plus the clock allowance): sending it would only be refused. */
const STALE_MS = QUEUED_SCAN_MAX_AGE_MS + QUEUED_SCAN_CLOCK_SKEW_MS
/** While a page shows pending scans, it tries again this often (a signal that comes back unannounced). */
const RETRY_MS = 30_000

/**
 * No usable answer (INTERNAL: no signal, a timeout, a captive portal's page instead of the reply, a
 * server error): worth sending again. Any other code is the server's answer and final.
 */
export function isNetworkFailure(reply: Reply<unknown>): boolean {
  return !reply.ok && reply.error.code === 'INTERNAL'
}

/** The signed-in person's openid, when the session has loaded it. */
function signedIn(): string | undefined {
  const state = sessionStore.get()
  return 'me' in state && state.me ? state.me.openid : undefined
}

/** Whether a queued scan is the signed-in person's to send (one kept without a known openid is anyone's). */
const isOf = (openid: string | undefined) => (scan: QueuedScan) => !scan.by || !openid || scan.by === openid

function read(): QueuedScan[] {
  const stored: unknown = Taro.getStorageSync(OFFLINE_SCANS_KEY)
  return Array.isArray(stored) ? stored.filter((s): s is QueuedScan => Boolean(s && typeof s === 'object' && s.id && s.kind && s.payload && s.scannedAt)) : []
}

function write(list: QueuedScan[]): void {
  Taro.setStorageSync(OFFLINE_SCANS_KEY, list)
  changed.forEach((listener) => listener())
}

/** One pending scan per person and purpose: the same code scanned twice is one scan. */
function keyOf(scan: QueuedScan): string {
  const who = scan.by ?? ''
  if (scan.kind === 'staffScan') return `${who}:staffScan:${scan.payload.activityId}:${scan.payload.direction}:${scan.payload.memberCode.trim()}`
  return `${who}:${scan.kind}:${activityIdOfToken(scan.payload.token) ?? scan.payload.token}`
}

/** The scans waiting for the signal, oldest first: the signed-in person's, or everyone's with `all`. */
export function queuedScans(all = false): QueuedScan[] {
  return read()
    .filter(all ? () => true : isOf(signedIn()))
    .sort((a, b) => a.scannedAt - b.scannedAt)
}

/**
 * Keeps a scan for later, with who scanned when known. A repeat keeps the first scan (the arrival),
 * except a check-out, where the last one counts. Scans older than the server accepts are dropped;
 * with MAX_QUEUED_SCANS still waiting, the new scan is refused (null: show QUEUE_FULL_MESSAGE).
 */
export function queueScan(scan: Omit<QueuedScan, 'id'> & { id?: string }): QueuedScan | null {
  const by = scan.by ?? signedIn()
  const entry = { ...scan, ...(by ? { by } : {}), id: scan.id ?? `${scan.scannedAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}` } as QueuedScan
  const now = Date.now()
  const list = read().filter((s) => now - s.scannedAt <= STALE_MS)
  const same = list.findIndex((s) => keyOf(s) === keyOf(entry))
  if (same >= 0) {
    if (entry.kind !== 'checkOut') return list[same]
    list.splice(same, 1)
  }
  if (list.length >= MAX_QUEUED_SCANS) return null
  list.push(entry)
  list.sort((a, b) => a.scannedAt - b.scannedAt)
  write(list)
  return entry
}

function remove(id: string): void {
  write(read().filter((s) => s.id !== id))
}

/** Sends one queued scan with its scan time (and the phone's clock now, so the server can correct it). */
export function sendQueuedScan(scan: QueuedScan, extra: { confirmShort?: boolean; walkIn?: boolean } = {}): Promise<Reply<CheckResult>> {
  const timing = { scannedAt: scan.scannedAt, sentAt: Date.now() }
  if (scan.kind === 'staffScan') return activitiesApi.staffScan({ ...scan.payload, ...extra, ...timing })
  const input = { ...scan.payload, ...(extra.confirmShort ? { confirmShort: true } : {}), ...timing }
  return scan.kind === 'checkIn' ? activitiesApi.checkIn(input) : activitiesApi.checkOut(input)
}

const changed = new Set<() => void>()
const answered = new Set<(outcomes: ScanOutcome[]) => void>()
let flushing: Promise<ScanOutcome[]> | null = null

/** Who is signed in, asking the server when the session has not loaded yet (undefined: no answer). */
async function whoIsSignedIn(): Promise<string | undefined> {
  if (!signedIn()) await sessionStore.load()
  return signedIn()
}

/**
 * Sends the signed-in person's pending scans, oldest first (a check-in before its check-out). A
 * failure without an answer keeps that scan and the rest for the next try; any answer removes the
 * scan. Nothing is sent while who is signed in is unknown. One upload at a time.
 */
export function uploadScans(): Promise<ScanOutcome[]> {
  if (!flushing) {
    flushing = (async () => {
      const outcomes: ScanOutcome[] = []
      if (!read().length) return outcomes
      const who = await whoIsSignedIn()
      if (!who) return outcomes
      for (const scan of read()
        .filter(isOf(who))
        .sort((a, b) => a.scannedAt - b.scannedAt)) {
        const reply = await sendQueuedScan(scan)
        if (isNetworkFailure(reply)) break
        remove(scan.id)
        outcomes.push({ scan, reply })
      }
      if (outcomes.length) answered.forEach((listener) => listener(outcomes))
      return outcomes
    })().finally(() => {
      flushing = null
    })
  }
  return flushing
}

let listening = false
/** Uploads whenever the signal returns, for as long as the app runs (registered once). */
export function uploadWhenOnline(): void {
  if (listening) return
  listening = true
  onSignalBack(() => void uploadScans())
}

/**
 * For a page that scans: the pending scans it cares about (`matches`, applied at each render so
 * that it may change with the page's state), uploads on show, on the signal's return and every
 * RETRY_MS while some wait; `onAnswer` receives the server's answers to queued scans.
 */
export function useOfflineScans(matches: (scan: QueuedScan) => boolean, onAnswer: (outcomes: ScanOutcome[]) => void) {
  const match = useRef(matches)
  match.current = matches
  const answer = useRef(onAnswer)
  answer.current = onAnswer
  const [all, setAll] = useState<QueuedScan[]>(() => queuedScans())
  const [uploading, setUploading] = useState(false)

  useEffect(() => {
    uploadWhenOnline()
    // Who scanned is recorded with each scan: know it early (the page may lose its signal later).
    void sessionStore.load()
    const refresh = () => setAll(queuedScans())
    const relay = (outcomes: ScanOutcome[]) => {
      const mine = outcomes.filter((o) => match.current(o.scan))
      if (mine.length) answer.current(mine)
    }
    changed.add(refresh)
    answered.add(relay)
    const unsubscribe = sessionStore.subscribe(refresh)
    refresh()
    return () => {
      unsubscribe()
      changed.delete(refresh)
      answered.delete(relay)
    }
  }, [])

  useDidShow(() => {
    if (queuedScans().length) void uploadScans()
  })

  const pending = all.filter(matches)
  const waiting = pending.length > 0
  useEffect(() => {
    if (!waiting) return
    const timer = setInterval(() => void uploadScans(), RETRY_MS)
    return () => clearInterval(timer)
  }, [waiting])

  const uploadNow = async () => {
    setUploading(true)
    try {
      return await uploadScans()
    } finally {
      setUploading(false)
    }
  }
  return { pending, uploading, uploadNow }
}

/**
 * The check-in page's last loaded activity, kept so that without signal it still knows whether
 * the person is checked in (offering 签退) and whether the activity checks the location.
 */
export function rememberActivity(activity: ActivityDetail): void {
  Taro.setStorageSync(ACTIVITY_KEY, activity)
}

export function rememberedActivity(activityId: string): ActivityDetail | undefined {
  const stored = Taro.getStorageSync(ACTIVITY_KEY) as ActivityDetail | ''
  return stored && stored._id === activityId ? stored : undefined
}
