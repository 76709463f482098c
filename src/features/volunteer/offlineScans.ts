/**
 * Scans made without signal (on site, in a basement, at a rural activity): a check-in/check-out
 * scan of the organiser's code, or the organiser's scan of a personal code, that fails for no
 * network is kept in the phone's storage with the moment it was scanned and sent when the signal
 * returns (the network comes back, the page is shown again, or 立即上传). The server accepts it
 * when the code was valid at that moment (server/activities/checkin.ts, "Queued scans").
 *
 * Only a network failure keeps a scan: any answer from the server (success or refusal) is final and
 * removes it, so a refused scan is never retried. Re-sending is harmless (the server records once).
 */
import { useEffect, useRef, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import type { ActivityDetail, CheckInput, CheckResult, StaffScanInput } from '@contracts/activities'
import type { Reply } from '@contracts/reply'
import { NETWORK_ERROR_MESSAGE, TIMEOUT_MESSAGE } from '@/services/cloud/call'
import { activitiesApi } from './api'
import { onSignalBack } from './network'
import { activityIdOfToken } from './token'

export type QueuedScan =
  | { id: string; kind: 'checkIn' | 'checkOut'; payload: CheckInput; scannedAt: number }
  | { id: string; kind: 'staffScan'; payload: StaffScanInput; scannedAt: number }

/** A queued scan the server answered: its result or its refusal (final either way). */
export interface ScanOutcome {
  scan: QueuedScan
  reply: Reply<CheckResult>
}

const STORAGE_KEY = 'honglin.volunteer.offlineScans'
const ACTIVITY_KEY = 'honglin.volunteer.checkinActivity'
/** Bounded: an organiser checking in a whole activity offline stays far below it. */
export const MAX_QUEUED_SCANS = 100
/** While a page shows pending scans, it tries again this often (a signal that comes back unannounced). */
const RETRY_MS = 30_000

/** The call failed before any answer from the server (no signal, or it timed out): worth sending again. */
export function isNetworkFailure(reply: Reply<unknown>): boolean {
  return !reply.ok && reply.error.code === 'INTERNAL' && (reply.error.message === NETWORK_ERROR_MESSAGE || reply.error.message === TIMEOUT_MESSAGE)
}

function read(): QueuedScan[] {
  const stored: unknown = Taro.getStorageSync(STORAGE_KEY)
  return Array.isArray(stored) ? stored.filter((s): s is QueuedScan => Boolean(s && typeof s === 'object' && s.id && s.kind && s.payload && s.scannedAt)) : []
}

function write(list: QueuedScan[]): void {
  Taro.setStorageSync(STORAGE_KEY, list)
  changed.forEach((listener) => listener())
}

/** One pending scan per person and purpose: the same code scanned twice is one scan. */
function keyOf(scan: QueuedScan): string {
  if (scan.kind === 'staffScan') return `staffScan:${scan.payload.activityId}:${scan.payload.direction}:${scan.payload.memberCode.trim()}`
  return `${scan.kind}:${activityIdOfToken(scan.payload.token) ?? scan.payload.token}`
}

/** The scans waiting for the signal, oldest first. */
export function queuedScans(): QueuedScan[] {
  return read().sort((a, b) => a.scannedAt - b.scannedAt)
}

/**
 * Keeps a scan for later. A repeat keeps the first scan (the arrival), except a check-out, where
 * the last one counts. Past MAX_QUEUED_SCANS the oldest go (long past what the server accepts).
 */
export function queueScan(scan: Omit<QueuedScan, 'id'> & { id?: string }): QueuedScan {
  const entry = { ...scan, id: scan.id ?? `${scan.scannedAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}` } as QueuedScan
  const list = read()
  const same = list.findIndex((s) => keyOf(s) === keyOf(entry))
  if (same >= 0) {
    if (entry.kind !== 'checkOut') return list[same]
    list.splice(same, 1)
  }
  list.push(entry)
  list.sort((a, b) => a.scannedAt - b.scannedAt)
  write(list.slice(-MAX_QUEUED_SCANS))
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

/**
 * Sends the pending scans, oldest first (a check-in before its check-out). A network failure keeps
 * that scan and the rest for the next try; any answer removes the scan. One upload at a time.
 */
export function uploadScans(): Promise<ScanOutcome[]> {
  if (!flushing) {
    flushing = (async () => {
      const outcomes: ScanOutcome[] = []
      for (const scan of queuedScans()) {
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
 * For a page that scans: the pending scans it cares about, uploads on show, on the signal's return
 * and every RETRY_MS while some wait; `onAnswer` receives the server's answers to queued scans.
 */
export function useOfflineScans(matches: (scan: QueuedScan) => boolean, onAnswer: (outcomes: ScanOutcome[]) => void) {
  const match = useRef(matches)
  match.current = matches
  const answer = useRef(onAnswer)
  answer.current = onAnswer
  const [pending, setPending] = useState<QueuedScan[]>(() => queuedScans().filter(matches))
  const [uploading, setUploading] = useState(false)

  useEffect(() => {
    uploadWhenOnline()
    const refresh = () => setPending(queuedScans().filter((s) => match.current(s)))
    const relay = (outcomes: ScanOutcome[]) => {
      const mine = outcomes.filter((o) => match.current(o.scan))
      if (mine.length) answer.current(mine)
    }
    changed.add(refresh)
    answered.add(relay)
    refresh()
    return () => {
      changed.delete(refresh)
      answered.delete(relay)
    }
  }, [])

  useDidShow(() => {
    if (queuedScans().length) void uploadScans()
  })

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
