/**
 * The slice of this feature that the 活动 tab page (main package) uses. The tab page imports from
 * here, not from the feature's index: a barrel import would pull every component (and its styles,
 * e.g. the certificate) into the main package, which WeChat caps at 2 MB and we keep under 600 KB.
 * Everything else stays in the volunteer subpackage.
 */
import { activityListContract } from '@contracts/activityList'
import { functionClient } from '@/services/cloud/functionClient'

/**
 * `activities.list` only: the feature's `activitiesApi` (./api) takes the whole contract and the
 * teams one, ~17 KB of schemas that belong in the volunteer subpackage.
 */
export const activitiesApi = functionClient('activities', activityListContract)
export { Chips } from './components/Chips'
export { ActivityCard } from './components/ActivityCard'
export { Tools, type Tool } from './components/Tools'
export { usePaged } from '../../services/cloud/usePaged'
