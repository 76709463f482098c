/**
 * Every database collection the project uses, with the indexes each one needs.
 *
 * This file is the single list of indexes: create the same ones in the WeChat cloud console
 * (数据库 → 集合 → 索引管理) when deploying, and the local emulator builds and enforces them
 * (hash indexes for equality / `$in` lookups; `unique` is enforced on insert and update with the
 * same duplicate-key error as the cloud). Add an entry here whenever code queries a collection by
 * a field other than `_id`.
 *
 * Semantics follow MongoDB (which the cloud database is): a unique index treats a missing field as
 * `null`, so at most one document may lack a field covered by a unique index.
 */

export interface IndexDef {
  /** Field paths (dotted for nested fields), in index order. */
  fields: string[]
  unique?: boolean
}

export interface CollectionDef {
  /** What the collection holds (for people reading this list). */
  description?: string
  /** Used only by the emulator's local platform: not created in the cloud. */
  localOnly?: boolean
  indexes: IndexDef[]
}

export const collections = {
  // ---- 志愿服务 / 邻里活动 and teams (issue #4: server/activities, server/teams)
  activities: {
    description: 'Volunteer activities and centre events (kind volunteer | event); never deleted, cancelled with a reason.',
    indexes: [
      { fields: ['communityId'] },
      { fields: ['centerId'] },
      { fields: ['teamId'] },
      // activities.list's order (by start, either way; the back office's `sort`, server/activities/queries.ts)
      { fields: ['start'] },
      // signups.ts closeWaitingClaims (the activities timer `deliverMessages`): waiting claims left open, once stale
      { fields: ['waitingClaimAt'] }
    ]
  },
  activitySignups: {
    description: 'One per person and activity (_id `${activityId}:${openid}`): confirmed, waiting (in `signedUpAt`, `_id` order), withdrawn, cancelled.',
    indexes: [
      { fields: ['activityId'] },
      { fields: ['activityId', 'status'] },
      { fields: ['activityId', 'status', 'signedUpAt'] },
      // activities.roster without a status filter, by the time of signing up either way (server/activities/roster.ts)
      { fields: ['activityId', 'signedUpAt'] },
      { fields: ['openid', 'status'] },
      // signups.ts tellPromoted (the activities timer `deliverMessages`): hand-offs whose message waits for the drain
      { fields: ['tellPromoted'] }
    ]
  },
  serviceRecords: {
    description: 'Volunteer hours (_id `${activityId}:${openid}` or `wish:${wishId}`): open → pending → approved | adjusted | declined; never deleted.',
    indexes: [
      { fields: ['activityId'] },
      { fields: ['activityId', 'status'] },
      { fields: ['openid'] },
      { fields: ['openid', 'status'] },
      { fields: ['communityId', 'status'] },
      { fields: ['teamId', 'status'] },
      // activities.pendingMakeUps (server/activities/makeUps.ts): make-up entries waiting for a second person, newest first
      { fields: ['makeUp', 'status'] },
      { fields: ['makeUp', 'status', 'communityId', 'createdAt'] },
      // activities.records without an activity (待认定时长, records.ts pendingRecordsWhere): oldest service first
      { fields: ['makeUp', 'status', 'communityId', 'serviceDate'] }
    ]
  },
  volunteers: {
    description: 'One per volunteer (_id = openid): the stable volunteer number, name, ranking preference.',
    indexes: [{ fields: ['volunteerNo'], unique: true }]
  },
  certificates: {
    description: 'Issued 志愿服务证明 (_id = certificate number) with the snapshot of the records behind them.',
    indexes: [{ fields: ['openid', 'fingerprint'] }]
  },
  teams: {
    description: 'Teams: 联系社区工作队 (liaison) and 党员应急突击队 (emergency), per community; disbanded, never deleted.',
    indexes: [{ fields: ['communityId'] }, { fields: ['type'] }]
  },
  teamMembers: {
    description: 'Team membership (_id `${teamId}:${openid}`): active or removed, with history.',
    indexes: [{ fields: ['teamId', 'status'] }, { fields: ['openid', 'status'] }]
  },
  users: {
    description: 'One document per WeChat user (keyed by a generated _id; looked up by openid).',
    indexes: [
      { fields: ['openid'], unique: true },
      // who to notify: the staff of a community, the people of a company, the committee of a grid
      { fields: ['scopes.communityIds'] },
      { fields: ['scopes.companyIds'] },
      { fields: ['scopes.gridIds'] },
      // where people live (notices: audience sizes and coverage per community / grid / building)
      { fields: ['profile.communityId'] },
      { fields: ['profile.gridId'] },
      { fields: ['profile.buildingId'] },
      // multikey: the staff of every community (district admin's 待认定时长, server/activities/records.ts)
      { fields: ['roles'] },
      // members/withdraw.ts erasePendingCopies (the activities timer `deliverMessages`): erasures a withdrawal left
      { fields: ['pendingErasure.at'] }
    ]
  },
  // ---- 三方联动 tickets, property companies, wishes and the deeds ledger (issue #7)
  tickets: {
    description: 'Residents\' problem reports (三方联动), _id a short readable number; carries its first history entry (`firstEntry`, the rest are ticketEvents). Never deleted.',
    indexes: [
      { fields: ['reporterOpenid'] },
      { fields: ['gridId'] },
      { fields: ['communityId'] },
      { fields: ['companyId'] },
      { fields: ['status'] },
      // scorecards (aggregate $match on the month, then the company)
      { fields: ['ratedMonth'] },
      { fields: ['dueMonth'] },
      { fields: ['firstResolvedMonth'] },
      { fields: ['createdMonth'] },
      // tickets.list's orders (newest first; open work by deadline; the back office's `sort`, server/tickets/list.ts)
      { fields: ['createdAt'] },
      { fields: ['resolveBy'] },
      // multikey: the media verdict receiver finds the ticket holding a risky photo (server/media/verdicts.ts)
      { fields: ['photos'] }
    ]
  },
  ticketEvents: {
    description: 'Every change and comment of a ticket (actor, time, note) but the first (carried by the ticket since issue #15), _id `<ticketId>:<seq>`. Append-only (but for the actor\'s name, erased when they delete their account).',
    // actorOpenid: users.deleteAccount erases the name on the entries of the person (server/users/deleteAccount.ts)
    // photos (multikey): the media verdict receiver (server/media/verdicts.ts)
    indexes: [{ fields: ['ticketId'] }, { fields: ['actorOpenid'] }, { fields: ['photos'] }]
  },
  routingRules: {
    description: 'Lead party and deadlines per ticket category, _id = category (defaults in contracts/tickets.ts).',
    indexes: []
  },
  dailyQuotas: {
    description: 'Per-person-per-day counters (_id `<kind>:<openid>:<YYYY-MM-DD>`) for RATE_LIMITED.',
    indexes: []
  },
  rateLimits: {
    description:
      'The function shell\'s rate-limit counters (server/core/rateLimits.ts, server/core/quota.ts), one per limit and subject, _id `<function>.<action>:<p:openid | c:communityId | anon>`, each unit an array of its last `limit` calls (`p_minute`, `p_day`, `c_minute` …); `expireAt` (a day after the last use) for a TTL index (cloud console).',
    indexes: []
  },
  companyMonths: {
    description: 'Party-building criteria entered by the district admin per company per month, _id `<companyId>:<YYYY-MM>`.',
    indexes: [{ fields: ['month'] }]
  },
  rankings: {
    description: 'The monthly property-company ranking once reviewed (appeal window) and published (红黑榜), _id = month.',
    indexes: [{ fields: ['status'] }]
  },
  rankingAppeals: {
    description: 'Companies\' appeals against a month\'s ranking, _id `<month>:<companyId>` (one each).',
    indexes: [{ fields: ['month'] }, { fields: ['companyId'] }]
  },
  wishes: {
    description: '微心愿 posted by residents (pending until the community\'s staff approve or reject them) and fulfilled by party members; carries its created, completed and confirmed history entries (the others are wishEvents). Never deleted.',
    // photos (multikey): the media verdict receiver (server/media/verdicts.ts)
    indexes: [{ fields: ['communityId'] }, { fields: ['residentOpenid'] }, { fields: ['memberOpenid'] }, { fields: ['confirmedBy'] }, { fields: ['status'] }, { fields: ['photos'] }]
  },
  wishEvents: {
    description: 'History of a wish (actor, time, note) but the entries the wish carries (created, completed, confirmed; server/wishes/model.ts wishHistoryOf), _id `<wishId>:<seq>`. Append-only (but for the actor\'s name, erased when they delete their account).',
    // actorOpenid: users.deleteAccount erases the name on the entries of the person (server/users/deleteAccount.ts)
    indexes: [{ fields: ['wishId'] }, { fields: ['actorOpenid'] }]
  },
  deeds: {
    description: '我为群众办实事 ledger: one entry per resolved ticket / confirmed wish (_id `ticket:<id>` / `wish:<id>`).',
    indexes: [{ fields: ['communityId'] }, { fields: ['figure'] }]
  },
  // ---- 党建+邻里中心 (issue #5: server/centers)
  centers: {
    description: 'Neighbourhood centres: planned → under_construction → built → accepted, status history inside. Never deleted.',
    // photos (multikey): the media verdict receiver (server/media/verdicts.ts)
    indexes: [{ fields: ['communityId'] }, { fields: ['status'] }, { fields: ['gridId'] }, { fields: ['photos'] }]
  },
  rooms: {
    description: 'Bookable rooms of a centre; `code` (unique) is the check-in code on the door (the QR scene).',
    indexes: [{ fields: ['centerId'] }, { fields: ['code'], unique: true }]
  },
  roomSlots: {
    description: 'One per taken slot (_id `${roomId}:${YYYYMMDDHHmm}`): pending | booked (a booking) or event (a centre event: activityId, title); blocked only from blackouts set before their record held their slots. Removed when freed; the booking keeps the history.',
    indexes: [{ fields: ['roomId', 'day'] }, { fields: ['centerId', 'state', 'day'] }]
  },
  bookings: {
    description: 'Room bookings: pending → confirmed → checked_in; cancelled | rejected | expired | no_show. Never deleted; history inside.',
    indexes: [
      { fields: ['openid'] },
      { fields: ['openid', 'status'] },
      { fields: ['roomId', 'status'] },
      { fields: ['roomId', 'day'] },
      { fields: ['centerId', 'status'] },
      { fields: ['centerId', 'day'] },
      { fields: ['communityId', 'status'] },
      { fields: ['status'] },
      // centers.bookings' order (by start, either way; the back office's `sort`, server/centers/bookings.ts)
      { fields: ['start'] }
    ]
  },
  bookingQuotas: {
    description: 'Active bookings per person, room and week (_id `${roomId}:${openid}:${monday}`): raised by book with a guarded update (count < weeklyQuota), lowered when a booking that is not a no-show ends.',
    indexes: []
  },
  bookingSuspensions: {
    description: 'Booking suspensions after repeated no-shows (_id = openid): until, since, no-shows counted.',
    indexes: []
  },
  roomBlackouts: {
    description: 'Periods a room is closed (with the reason, the slots it holds — the record is their lock, read by bookings, availability and events — and the bookings displaced); lifted, never deleted.',
    indexes: [{ fields: ['roomId'] }, { fields: ['centerId'] }, { fields: ['communityId'] }]
  },
  centerFunds: {
    description: 'Funding ledger of the centres (amounts in fen): subsidy / reward (automatic, _id `fund-<type>-<centerId>`), grant, property, owners, other. Append-only.',
    indexes: [{ fields: ['centerId'] }, { fields: ['communityId'] }, { fields: ['type'] }]
  },
  // ---- 政策宣讲与通知 (issue #6: server/notices)
  notices: {
    description: 'Notices: audienceKeys (place keys) and audienceRoles matched with _.in; withdrawn, never deleted; history inside.',
    // attachments.fileID (multikey): the media verdict receiver (server/media/verdicts.ts)
    // publishAt: the manage list's order (newest first; the back office's `sort`, server/notices/list.ts)
    indexes: [{ fields: ['audienceKeys'] }, { fields: ['manageKeys'] }, { fields: ['pushState'] }, { fields: ['attachments.fileID'] }, { fields: ['publishAt'] }]
  },
  noticeReads: {
    description: 'One per reader and notice (_id `${noticeId}:${openid}`) with the reader\'s community/grid/building at the time.',
    indexes: [
      { fields: ['noticeId'] },
      { fields: ['noticeId', 'communityId'] },
      { fields: ['noticeId', 'gridId'] },
      { fields: ['noticeId', 'buildingId'] },
      // a person's own reads (users.exportMyData)
      { fields: ['openid'] }
    ]
  },
  noticeAudienceCounts: {
    description: 'District-wide audience sizes per community (aggregate over users), _id `${noticeId}|v${audienceVersion}|${scope}`, kept 5 minutes.',
    indexes: []
  },
  noticeFiles: {
    description: 'Attachments uploaded through notices.upload (emulator/H5), _id `f-<sha1 of fileID>`: verified type and size.',
    indexes: []
  },
  noticeSubscriptions: {
    description: 'One-time subscription grants for important notices (_id = openid): credits, place keys and roles when subscribing, and `pushed.<noticeId>` for each notice pushed to them (server/notices/push.ts).',
    indexes: [{ fields: ['placeKeys'] }]
  },
  noticePushes: {
    description: 'Earlier push records, one per pushed notice and person (_id `${noticeId}:${openid}`); no longer written: the subscription carries the mark (`pushed.<noticeId>`, server/notices/push.ts).',
    indexes: [{ fields: ['noticeId'] }]
  },
  // District structure read by notices (grids of a community, buildings of a community / grid).
  grids: {
    description: 'Compounds (grids) of the district (emulator/seed/district.ts).',
    indexes: [{ fields: ['communityId'] }]
  },
  buildings: {
    description: 'Buildings of the district (emulator/seed/district.ts).',
    indexes: [{ fields: ['communityId'] }, { fields: ['gridId'] }]
  },
  // District structure read by members (the four-level organisation a member is placed in).
  branches: { description: 'Grid party branches (网格党支部), _id `br-<gridId>`.', indexes: [{ fields: ['communityId'] }] },
  partyGroups: { description: 'Building party groups (楼栋党小组), _id `pg-<buildingId>`.', indexes: [{ fields: ['gridId'] }, { fields: ['communityId'] }] },
  centralHouseholds: { description: '党员中心户, _id `ch-<buildingId>` (not every building has one).', indexes: [{ fields: ['gridId'] }, { fields: ['communityId'] }] },
  // District structure counted by the reports (issue #8: server/reports, per community).
  communities: { description: 'Communities of the district (emulator/seed/district.ts), listed by `order`; `registrationTarget` is its 报到 target (null: none set).', indexes: [] },
  communityCommittees: { description: 'Community "大党委" (one per community), _id `cc<n>`.', indexes: [{ fields: ['communityId'] }] },
  ownersCommittees: { description: 'Owners\' committees (业委会) of compounds, _id `oc-<gridId>`: members, partyMembers.', indexes: [{ fields: ['communityId'] }, { fields: ['gridId'] }] },
  selfManagementCommittees: { description: '物业自管委员会 of compounds, _id `smc-<gridId>`.', indexes: [{ fields: ['communityId'] }, { fields: ['gridId'] }] },
  companies: { description: 'Property companies (kind professional | public_interest): partyMembers, hasBranch, partyInstructor.', indexes: [{ fields: ['kind'] }] },
  // ---- roster imports (docs/back-office.md §5: server/core/imports.ts, server/members/imports.ts, server/teams/imports.ts)
  memberRoster: {
    description: '在职党员名册 imported by staff from Excel, _id `<communityId>:<mobile>`: name, mobile, workUnit, partyOrg, grid, building, unit, room; importId of the last import that wrote it.',
    indexes: [{ fields: ['communityId'] }, { fields: ['mobile'] }]
  },
  residentRoster: {
    description: '楼栋住户 imported by staff from Excel, _id `<buildingId>:<unit>:<room>:<name>`: the households of each building (mobile optional).',
    indexes: [{ fields: ['communityId'] }, { fields: ['buildingId'] }]
  },
  imports: {
    description: 'One per imported file, _id sha256(kind:scope:fileHash): status applying → done, counts, file name and hash, who. A duplicate _id is 此文件已导入.',
    indexes: []
  },
  // ---- 在职党员报到 (issue #3: server/members, server/qrcodes)
  registrations: {
    description: 'Members\' registrations at their residence community: pending → approved | rejected; approved → transferred. Never deleted. `slot` (unique) keeps one pending and one approved per person.',
    indexes: [
      { fields: ['slot'], unique: true },
      { fields: ['openid'] },
      { fields: ['openid', 'status'] },
      { fields: ['communityId'] },
      { fields: ['communityId', 'status'] },
      // members.list: the review queue and the roll in their order (the desk's sortable table: `sort`)
      { fields: ['communityId', 'status', 'submittedAt'] },
      { fields: ['communityId', 'status', 'reviewedAt'] },
      { fields: ['status'] },
      { fields: ['gridId'] },
      { fields: ['buildingId'] }
    ]
  },
  communityCodes: {
    description: 'Registration codes: _id = the short scene in the community\'s mini-program code; one per community.',
    indexes: [{ fields: ['communityId'], unique: true }]
  },
  settings: {
    description: 'District-wide settings, one document per topic (_id), e.g. `registration` {target}; `volunteerNumbers` {next, recent}: the volunteer number counter (server/activities/volunteers.ts).',
    indexes: []
  },
  consents: {
    description: 'Consent records (server/core/consents.ts): one per consent given or withdrawn, with purpose, policy version and time. Append-only; kept after an account is deleted.',
    // consentStates sorts a person's events by time (server/core/consents.ts)
    indexes: [{ fields: ['openid'] }, { fields: ['openid', 'at'] }]
  },
  deskSessions: {
    description:
      'PC back-office sign-ins by scan (server/auth, docs/back-office.md §3.1), _id the sid (`ds_…`, the CloudBase customUserId): pending → scanned → confirmed → active → ended | cancelled | expired | revoked; `scene` of the QR code, `pollKeyHash` (SHA-256 of the PC\'s poll secret), `openid` once scanned, `expiresAt`, `lastSeenAt`.',
    indexes: [
      // deskScan / deskConfirm / deskCancel find the session by its QR code's scene
      { fields: ['scene'], unique: true },
      // auth.mySessions (我的 → 登录设备): a person's signed-in PCs
      { fields: ['openid', 'status'] },
      // the hourly sweep: sessions past their end
      { fields: ['expiresAt'] }
    ]
  },
  roleInvites: {
    description:
      'Invitations to a staff-class role (server/auth/roles.ts, docs/back-office.md §6), _id the 8-character code: open → used | cancelled (72 h, one use); `role`, `scopeField`, `places`, `invitedBy`, `usedBy`.',
    indexes: [
      // auth.invites (角色管理): the open invitations, newest first
      { fields: ['status', 'createdAt'] }
    ]
  },
  auditLogs: {
    description: 'Who did what to personal data (exports, views of full mobile numbers): actor, action, target, time. Append-only.',
    indexes: [
      { fields: ['actor'] },
      { fields: ['action'] },
      { fields: ['communityId'] },
      { fields: ['target.id'] },
      // users.auditLogs (server/users/auditLogs.ts): newest first, district-wide or per community;
      // the person search matches names and whose data it was
      { fields: ['at'] },
      { fields: ['communityId', 'at'] },
      { fields: ['action', 'at'] },
      { fields: ['actorName'] },
      { fields: ['target.label'] },
      { fields: ['detail.whose'] }
    ]
  },

  // ---- the platform's asynchronous image check (server/core/mediaChecks.ts, server/media/verdicts.ts)
  mediaChecks: {
    description:
      'One per image submitted to mediaCheckAsync (_id = trace_id): fileID, uploader openid, source (photo | notice), status pending → pass | review | risky | error, and where a risky image was hidden. Several images submitted by one call are one batch (_id batch:<first trace_id>, items: trace_id + fileID each) until each verdict writes its own record.',
    indexes: [{ fields: ['fileID'] }, { fields: ['items.fileID'] }, { fields: ['items.traceId'] }]
  },

  // ---- the message queue (server/notify/queue.ts): fan-out sent by the activities timer `deliverMessages`
  messageQueue: {
    description:
      'Up to 100 subscription messages per document, queued by an action and sent by the next drain (every minute): status pending → sending (claimed until `dueAt`) → done (messages dropped, counts kept) | failed.',
    indexes: [{ fields: ['status', 'dueAt'] }]
  },

  // ---- the emulator's platform seam only (server/platform/local.ts)
  outbox: {
    description: 'Messages the local platform would have sent (subscription messages), for tests and developers to read.',
    localOnly: true,
    indexes: [{ fields: ['touser'] }]
  }
} satisfies Record<string, CollectionDef>

export type CollectionName = keyof typeof collections

/** Index name as MongoDB would generate it (`field_1` / `a_1_b_1`), used in error messages. */
export function indexName(index: IndexDef): string {
  return index.fields.map((field) => `${field}_1`).join('_')
}
