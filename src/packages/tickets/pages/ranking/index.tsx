import { useEffect, useState } from 'react'
import { Input, Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { APPEAL_DAYS_DEFAULT, APPEAL_STATUS_LABELS, RANKING_STATUS_LABELS, type Appeal } from '@contracts/companies'
import { companiesApi, currentMonth, formatTime, monthLabel, RankRow, shiftMonth } from '@/features/tickets'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { useCall } from '@/services/cloud'
import { routes } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../pages.scss'

/**
 * 物业红黑榜: the month's ranking of the property companies — the 流动红旗 holder, the red list
 * (十佳) and the black list — once published. The district admin reviews the draft, opens the
 * appeal window, answers the appeals and publishes; a company lodges its appeal here.
 */
export default function RankingPage() {
  const params = useRouter().params
  const hasPersona = useRequirePersona(routes.districtRanking)
  const { me } = useMe({ enabled: hasPersona })
  const [month, setMonth] = useState<string | undefined>(params.month)
  const { data: r, error, loading, reload } = useCall(() => companiesApi.ranking(month ? { month } : {}), [month, hasPersona])
  const admin = hasRole(me, 'district_admin')
  const company = hasRole(me, 'property_staff')
  const { data: appeals, reload: reloadAppeals } = useCall(
    () => (r && (admin || company) && r.status !== 'draft' ? companiesApi.appeals({ month: r.month, page: 1, pageSize: 100 }) : Promise.resolve({ ok: true as const, data: { items: [] as Appeal[], total: 0, page: 1, pageSize: 100 } })),
    [r?.month, r?.status, admin, company]
  )
  const [showAll, setShowAll] = useState(false)
  const [busy, setBusy] = useState(false)
  const [reason, setReason] = useState('')
  const [ticketIds, setTicketIds] = useState('')
  const [replies, setReplies] = useState<Record<string, string>>({})

  useEffect(() => {
    if (r && !month) setMonth(r.month)
  }, [r, month])

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!r) return <PageContainer>{error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState />}</PageContainer>

  const act = async (run: () => Promise<{ ok: boolean; error?: { message: string } }>, message: string) => {
    setBusy(true)
    const reply = await run()
    setBusy(false)
    if (!reply.ok) return void Taro.showToast({ title: reply.error?.message ?? '操作失败', icon: 'none', duration: 2500 })
    Taro.showToast({ title: message, icon: 'success' })
    void reload()
    void reloadAppeals()
  }

  const canGoNext = r.month < currentMonth()
  const windowOpen = r.status === 'appeal' && r.appealUntil && new Date(r.appealUntil).getTime() > Date.now()
  const myAppeal = appeals?.items.find((a) => me?.scopes.companyIds.includes(a.companyId))
  const pending = appeals?.items.filter((a) => a.status === 'pending') ?? []

  return (
    <PageContainer>
      <View className='tp__month'>
        <Text className='tp__month-arrow' onClick={() => setMonth(shiftMonth(r.month, -1))}>
          ‹
        </Text>
        <Text className='tp__month-text'>{monthLabel(r.month)}</Text>
        <Text className='tp__month-arrow' onClick={() => canGoNext && setMonth(shiftMonth(r.month, 1))} style={canGoNext ? undefined : { opacity: 0.25 }}>
          ›
        </Text>
      </View>
      <Text className='tp__status'>
        {RANKING_STATUS_LABELS[r.status]}
        {r.publishedAt ? ` · ${formatTime(r.publishedAt)}公示` : ''}
        {r.status === 'appeal' && r.appealUntil ? ` · 申诉截止${formatTime(r.appealUntil)}` : ''}
      </Text>

      {!r.visible ? (
        <EmptyState title={`${monthLabel(r.month)}红黑榜尚未公示`} description='每月考评经区级审核、企业申诉期满后公示'>
          {r.latestPublished && r.latestPublished !== r.month ? <BigButton onClick={() => setMonth(r.latestPublished!)}>查看{monthLabel(r.latestPublished)}红黑榜</BigButton> : null}
        </EmptyState>
      ) : (
        <>
          {r.banner ? (
            <View className='tk-banner'>
              <Text className='tk-banner__flag'>流动红旗</Text>
              <Text className='tk-banner__name'>{r.banner.companyName}</Text>
              <Text className='tk-banner__score'>综合得分 {r.banner.score.toFixed(1)}</Text>
            </View>
          ) : null}
          <Section title='红榜' subtitle='十佳红色物业企业'>
            {r.redList.map((c) => (
              <RankRow key={c.companyId} card={c} onClick={() => go('ticketsCompany', { id: c.companyId, month: r.month })} />
            ))}
          </Section>
          <Section title='黑榜' subtitle='综合得分末位，限期整改'>
            {r.blackList.map((c) => (
              <RankRow key={c.companyId} card={c} onClick={() => go('ticketsCompany', { id: c.companyId, month: r.month })} />
            ))}
          </Section>
          <Section title='全部排名' subtitle={`${r.entries.length}家专业物业企业`}>
            {(showAll ? r.entries : r.entries.slice(0, 5)).map((c) => (
              <RankRow key={c.companyId} card={c} onClick={() => go('ticketsCompany', { id: c.companyId, month: r.month })} />
            ))}
            {!showAll && r.entries.length > 5 ? (
              <BigButton fill='outline' onClick={() => setShowAll(true)}>
                展开全部{r.entries.length}家
              </BigButton>
            ) : null}
          </Section>
        </>
      )}

      {admin ? (
        <Section title='考评流程' subtitle='区级管理员'>
          {r.status === 'draft' ? (
            <>
              <Text className='tp__step'>1. 核对本月各企业得分（点企业可录入党建工作情况）。</Text>
              <Text className='tp__step'>2. 审核通过后开启{APPEAL_DAYS_DEFAULT}天申诉期，企业可对得分提出申诉。</Text>
              <BigButton loading={busy} disabled={busy} onClick={() => void act(() => companiesApi.openAppeals({ month: r.month }), '已开启申诉期')}>
                审核通过，开启申诉期
              </BigButton>
            </>
          ) : null}
          {r.status === 'appeal' ? (
            <>
              <Text className='tp__step'>
                申诉{pending.length ? `：${pending.length}件待处理` : '：无待处理'}。申诉期满且申诉处理完毕后即可公示，公示时按最新数据重新计算。
              </Text>
              {appeals?.items.map((a) => (
                <View key={a._id} className='tp__appeal'>
                  <Text className='tk-tag'>{APPEAL_STATUS_LABELS[a.status]}</Text>
                  <Text className='tk-rank__name'>{a.companyName}</Text>
                  <Text className='tk-desc'>{a.reason}</Text>
                  {a.ticketIds.length ? <Text className='tk-muted'>涉及问题：{a.ticketIds.join('、')}</Text> : null}
                  {a.status === 'pending' ? (
                    <>
                      <Textarea className='tk-field__textarea' placeholder='处理意见' value={replies[a._id] ?? ''} onInput={(e) => setReplies({ ...replies, [a._id]: e.detail.value })} />
                      <View className='tk-button-pair'>
                        <View>
                          <BigButton
                            fill='outline'
                            onClick={() => void act(() => companiesApi.answerAppeal({ month: a.month, companyId: a.companyId, decision: 'dismissed', reply: (replies[a._id] ?? '').trim() || '申诉理由不成立' }), '已处理')}
                          >
                            不成立
                          </BigButton>
                        </View>
                        <View>
                          <BigButton
                            onClick={() =>
                              void act(
                                () => companiesApi.answerAppeal({ month: a.month, companyId: a.companyId, decision: 'upheld', reply: (replies[a._id] ?? '').trim() || '经核实，申诉成立', excludeTicketIds: a.ticketIds }),
                                '已处理'
                              )
                            }
                          >
                            成立
                          </BigButton>
                        </View>
                      </View>
                    </>
                  ) : (
                    <Text className='tk-muted'>处理意见：{a.reply}</Text>
                  )}
                </View>
              ))}
              <BigButton loading={busy} disabled={busy || !!windowOpen || pending.length > 0} onClick={() => void act(() => companiesApi.publishRanking({ month: r.month }), '红黑榜已公示')}>
                {windowOpen ? '申诉期未满' : pending.length ? '请先处理申诉' : '公示红黑榜'}
              </BigButton>
            </>
          ) : null}
          {r.status === 'published' ? <Text className='tp__step'>本月红黑榜已公示，居民可在此查看。</Text> : null}
        </Section>
      ) : null}

      {company && r.status === 'appeal' ? (
        <Section title='对本月得分有异议？' subtitle={windowOpen ? '申诉期内可提出一次' : '申诉期已结束'}>
          {myAppeal ? (
            <>
              <Text className='tk-tag'>{APPEAL_STATUS_LABELS[myAppeal.status]}</Text>
              <Text className='tk-desc'>{myAppeal.reason}</Text>
              {myAppeal.reply ? <Text className='tk-muted'>区级处理意见：{myAppeal.reply}</Text> : null}
            </>
          ) : windowOpen ? (
            <>
              <View className='tk-field'>
                <Textarea className='tk-field__textarea' placeholder='申诉理由（如：某问题不属于本企业职责）' value={reason} onInput={(e) => setReason(e.detail.value)} />
              </View>
              <View className='tk-field'>
                <Text className='tk-field__label'>涉及的问题编号（可不填，多个用逗号分开）</Text>
                <Input className='tk-field__input' value={ticketIds} placeholder='例如 T2610050A3F' onInput={(e) => setTicketIds(e.detail.value)} />
              </View>
              <BigButton
                loading={busy}
                disabled={busy}
                onClick={() =>
                  void act(
                    () =>
                      companiesApi.appeal({
                        month: r.month,
                        reason: reason.trim(),
                        ticketIds: ticketIds
                          .split(/[,，\s]+/)
                          .map((s) => s.trim())
                          .filter(Boolean)
                      }),
                    '申诉已提交'
                  )
                }
              >
                提交申诉
              </BigButton>
            </>
          ) : (
            <Text className='tk-muted'>本月未提出申诉。</Text>
          )}
        </Section>
      ) : null}
    </PageContainer>
  )
}
