// The daily allowance lives in server/core/quota.ts (shared with the centres' photo uploads).
export { returnDailyQuota, takeDailyQuota } from '../core/quota'
