/**
 * The geofence for check-in. GPS drifts, indoors by 50–100 m and more, so a check-in counts as on
 * site when the reported position is within
 *
 *   radius + tolerance,  tolerance = min(max(50 m, reported accuracy), 300 m)
 *
 * i.e. always 50 m of slack, more when the phone itself says its fix is poor, but never more than
 * 300 m whatever it claims (a huge "accuracy" must not open the fence). Activities without
 * coordinates and radius have no geofence.
 */
import { GEOFENCE, type Location, type Place } from '../../contracts/activities'
import { AppError } from '../core/errors'

const EARTH_RADIUS_M = 6_371_000

/** Great-circle distance in metres (haversine). */
export function distanceMeters(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180
  const dLat = rad(b.latitude - a.latitude)
  const dLon = rad(b.longitude - a.longitude)
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}

export function toleranceFor(accuracy: number | undefined): number {
  return Math.min(Math.max(GEOFENCE.baseToleranceMeters, accuracy ?? 0), GEOFENCE.maxToleranceMeters)
}

/** Throws when the activity has a geofence and the location is missing or outside it; returns the distance. */
export function checkGeofence(place: Place, location: Location | undefined): number | undefined {
  if (!place.coordinates || !place.radius) return undefined
  if (!location) throw new AppError('FORBIDDEN', '本活动需在现场签到，请允许获取位置后重试')
  const distance = distanceMeters(place.coordinates, location)
  const allowed = place.radius + toleranceFor(location.accuracy)
  if (distance > allowed)
    throw new AppError('FORBIDDEN', `您距离活动地点约${Math.round(distance)}米，超出签到范围（${place.radius}米），请到达现场后再签到`)
  return Math.round(distance)
}
