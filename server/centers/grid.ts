/**
 * The slot grid of a room: each open day is cut into slots of the room's length from the centre's
 * opening time; the last slot ends at or before closing. Slot starts are the only bookable starts.
 */
import type { OpeningHours } from '../../contracts/centers'
import { at, dayOf, MINUTE, weekdayOf } from './calendar'

export interface GridSlot {
  start: number
  end: number
  /** Minutes after midnight (Shanghai) of the start, for cheap formatting. */
  minute: number
}

export interface DayGrid {
  day: string
  weekday: number
  open?: string
  close?: string
  slots: GridSlot[]
}

export function dayGrid(hours: OpeningHours, slotMinutes: number, day: string): DayGrid {
  const weekday = weekdayOf(day)
  const h = hours.find((x) => x.weekday === weekday)
  if (!h) return { day, weekday, slots: [] }
  const midnight = at(day, '00:00')
  const openMin = minutesOf(h.open)
  const closeMin = minutesOf(h.close)
  const slots: GridSlot[] = []
  for (let m = openMin; m + slotMinutes <= closeMin; m += slotMinutes) {
    slots.push({ start: midnight + m * MINUTE, end: midnight + (m + slotMinutes) * MINUTE, minute: m })
  }
  return { day, weekday, open: h.open, close: h.close, slots }
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** "09:30" for 570 minutes after midnight. */
export function hhmmOfMinute(minute: number): string {
  const h = Math.floor(minute / 60)
  const m = minute % 60
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`
}

/**
 * The `count` consecutive grid slots from `start`, or a reason why they do not exist (not a slot
 * start, or running past closing time).
 */
export function consecutiveSlots(hours: OpeningHours, slotMinutes: number, start: number, count: number): { slots: GridSlot[] } | { error: string } {
  const grid = dayGrid(hours, slotMinutes, dayOf(start))
  if (grid.slots.length === 0) return { error: '该日不开放' }
  const first = grid.slots.findIndex((s) => s.start === start)
  if (first < 0) return { error: `请从预约表中选择时段（开放时间 ${grid.open}-${grid.close}）` }
  const slots = grid.slots.slice(first, first + count)
  if (slots.length < count) return { error: `超出当日开放时间（${grid.close}闭馆）` }
  return { slots }
}

/** Grid slots of a day overlapping [from, to). */
export function slotsOverlapping(hours: OpeningHours, slotMinutes: number, day: string, from: number, to: number): GridSlot[] {
  return dayGrid(hours, slotMinutes, day).slots.filter((s) => s.start < to && s.end > from)
}

/** Bookable hours of a room on a day: its grid slots (0 when closed). */
export function openHoursOf(hours: OpeningHours, slotMinutes: number, day: string): number {
  return (dayGrid(hours, slotMinutes, day).slots.length * slotMinutes) / 60
}
