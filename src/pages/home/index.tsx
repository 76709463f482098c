import { ErrorState, LoadingState, PageContainer } from '@/components'
import { useMe, useRequirePersona } from '@/features/session'
import { useNoticeBadge } from '@/features/notices/tab'
import { useOverview } from '@/features/overview'
import { HomeView } from './HomeView'

export default function HomePage() {
  const hasPersona = useRequirePersona()
  const { me, loading, error, reload } = useMe({ enabled: hasPersona })
  const overview = useOverview(hasPersona, () => void reload())
  // Unread notices as a badge on the 首页 tab, from the overview (reloaded whenever this page shows).
  useNoticeBadge(hasPersona && Boolean(me), { count: overview.data?.mine.unreadNotices })
  let body
  if (!hasPersona) body = <LoadingState text='请先选择演示身份…' />
  else if (me) body = <HomeView me={me} overview={overview} />
  else if (error && !loading) body = <ErrorState error={error} onRetry={() => void reload()} />
  else body = <LoadingState />
  return <PageContainer>{body}</PageContainer>
}
