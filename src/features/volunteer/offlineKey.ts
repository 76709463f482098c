/** Where scans made without signal are kept (features/volunteer/offlineScans.ts; counted on 首页 by ./tab.ts). */
export const OFFLINE_SCANS_KEY = 'honglin.volunteer.offlineScans'
