import dayjs from 'dayjs'
import { REGISTRATION_EVENT_LABELS, REGISTRATION_STATUS_LABELS, SERVICE_KIND_LABELS, type Registration, type RegistrationEvent, type RegistrationStatus, type ServiceKind } from '@contracts/members'

/** 2026-11-27 09:30 (the phone's local time: Asia/Shanghai for the district's users). */
export const formatTime = (iso: string | undefined): string => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '')

export const statusLabel = (status: RegistrationStatus): string => REGISTRATION_STATUS_LABELS[status]
export const eventLabel = (event: RegistrationEvent): string => REGISTRATION_EVENT_LABELS[event]
export const servicesText = (services: ServiceKind[]): string => services.map((s) => SERVICE_KIND_LABELS[s]).join('、')

/** 锦绣花园 2号楼 3单元 801 */
export function residenceLine(r: Pick<Registration, 'gridName' | 'buildingName' | 'unit' | 'room'>): string {
  return [r.gridName, r.buildingName, r.unit ? `${r.unit}单元` : '', r.room].filter(Boolean).join(' ')
}
