export { activitiesApi, teamsApi } from './api'
export { centersLookup } from './centersLookup'
export * from './format'
// Platform module: Taro resolves `./platform` to `./platform.weapp.ts` / `./platform.h5.ts` in each build.
export { askActivityMessages, canScan, currentLocation, dial, keepScreenOn, printPage, scanCode } from './platform'
export { Chips, type ChipOption } from './components/Chips'
export { Tag, PhaseTag, SignUpTag, RecordStatusTag } from './components/Tags'
export { ActivityCard } from './components/ActivityCard'
export { Stats, type StatItem } from './components/Stats'
export { QrBox } from './components/QrBox'
export { CodeInput } from './components/CodeInput'
export { Sheet, type SheetField } from './components/Sheet'
export { Tools, type Tool } from './components/Tools'
export { CertificateSheet } from './components/Certificate'
export { enteredByOf, RecordRow } from './components/RecordRow'
export { usePaged } from '../../services/cloud/usePaged'
export { activityIdOfToken } from './token'
export { needsRegistration, nextOf, openVolunteerJoin, returnAfterJoin } from './registration'
export {
  isNetworkFailure,
  QUEUE_FULL_MESSAGE,
  queueScan,
  queuedScans,
  rememberActivity,
  rememberedActivity,
  sendQueuedScan,
  uploadScans,
  useOfflineScans,
  type QueuedScan,
  type ScanOutcome
} from './offlineScans'
