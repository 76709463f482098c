/** Every cloud function's router (`server/<fn>/index.ts`), by function name: the tests that must cover every action start here. */
import type { ActionDef } from '../../server/core/function'
import { activitiesActions } from '../../server/activities'
import { authActions } from '../../server/auth'
import { centersActions } from '../../server/centers'
import { companiesActions } from '../../server/companies'
import { membersActions } from '../../server/members'
import { noticesActions } from '../../server/notices'
import { qrcodesActions } from '../../server/qrcodes'
import { reportsActions } from '../../server/reports'
import { teamsActions } from '../../server/teams'
import { ticketsActions } from '../../server/tickets'
import { usersActions } from '../../server/users'
import { wishesActions } from '../../server/wishes'

export const ROUTERS: Record<string, Record<string, ActionDef>> = {
  activities: activitiesActions,
  auth: authActions,
  centers: centersActions,
  companies: companiesActions,
  members: membersActions,
  notices: noticesActions,
  qrcodes: qrcodesActions,
  reports: reportsActions,
  teams: teamsActions,
  tickets: ticketsActions,
  users: usersActions,
  wishes: wishesActions
}
