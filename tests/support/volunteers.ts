/**
 * Registered volunteers for tests that sign people up. A sign-up needs a party member or a
 * registered volunteer (志愿者实名登记, server/activities/volunteerRegistration.ts); anyone else is
 * answered REGISTRATION_REQUIRED.
 *
 * - `joinVolunteers`: through the API, as the person would (consent recorded, number handed out).
 * - `addVolunteer` / `markVolunteer`: straight into the store, for crowds (no call, no round trip):
 *   a users document with `volunteerSince`, as the registration leaves it.
 */
import type { TestCloud } from './cloud'

let joined = 0

/** A mobile number derived from the openid's digits (unique enough within one test file). */
const mobileFor = (openid: string) => `139${String(openid.replace(/\D/g, '') || ++joined).padStart(8, '0').slice(-8)}`

/** Registers `openid` as a volunteer through `activities.joinVolunteers`; returns the openid. */
export async function joinVolunteers(cloud: TestCloud, openid: string, fields: { name?: string; mobile?: string } = {}): Promise<string> {
  await cloud.ok('activities', 'joinVolunteers', { name: fields.name ?? '志愿者', mobile: fields.mobile ?? mobileFor(openid), consent: true }, openid)
  return openid
}

export interface VolunteerFields {
  roles?: string[]
  name?: string
  mobile?: string
  communityId?: string
  gridId?: string
  buildingId?: string
}

/** Inserts a registered volunteer's users document (the person must have none yet); returns the openid. */
export function addVolunteer(cloud: TestCloud, openid: string, fields: VolunteerFields = {}): string {
  const at = new Date(cloud.clock.now())
  cloud.store.insertOne('users', {
    _id: openid,
    openid,
    roles: fields.roles ?? [],
    scopes: { communityIds: [], companyIds: [], gridIds: [] },
    profile: {
      name: fields.name ?? `居民${openid.slice(-3)}`,
      mobile: fields.mobile ?? mobileFor(openid),
      ...(fields.communityId ? { communityId: fields.communityId } : {}),
      ...(fields.gridId ? { gridId: fields.gridId } : {}),
      ...(fields.buildingId ? { buildingId: fields.buildingId } : {})
    },
    volunteerSince: at,
    volunteerMobile: fields.mobile ?? mobileFor(openid),
    createdAt: at,
    updatedAt: at
  })
  return openid
}

/** Makes each openid a registered volunteer: sets `volunteerSince` on its users document, inserting one where there is none. */
export function markVolunteer(cloud: TestCloud, ...openids: string[]): void {
  for (const openid of openids) {
    if (cloud.store.get('users', openid)) cloud.store.updateOne('users', { _id: openid }, { volunteerSince: new Date(cloud.clock.now()) })
    else addVolunteer(cloud, openid)
  }
}
