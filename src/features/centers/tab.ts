/**
 * The slice of this feature that the 邻里中心 tab page (main package) uses. The tab page imports from
 * here, not from the feature's index: a barrel import pulls every component (slot picker, photo
 * editor …) and its styles into the main package, which we keep under 600 KB.
 */
import type { centerListContract } from '@contracts/centerList'
import { typedClient } from '@/services/cloud/functionClient'

/**
 * `centers.list`, `myBookings` and `bookings` only: the feature's `centersApi` (./api) takes the
 * whole contract (and the activities one for centre events), schemas of the centers subpackage.
 * Typed by the contract only: the main package carries no zod runtime.
 */
export const centersApi = typedClient<typeof centerListContract>('centers', ['list', 'myBookings', 'bookings'])
export { dayKey } from './format'
// Platform module: Taro resolves `./platform` to `./platform.weapp.ts` / `./platform.h5.ts` in each build.
export { currentLocation } from './platform'
export { Chips } from './components/Chips'
export { CenterCard } from './components/CenterCard'
export { BookingCard } from './components/BookingCard'
