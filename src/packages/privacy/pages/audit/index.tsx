import { useState } from 'react'
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import { Input, Picker, ScrollView, Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import { AUDIT_KIND_LABELS, AUDIT_KINDS, type AuditEntryView, type AuditKind, type AuditLogsInput } from '@contracts/audit'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { usersApi } from '@/features/privacy'
import { usePaged } from '@/services/cloud/usePaged'
import { routes } from '@/services/routes'
import './index.scss'

dayjs.extend(utc)

const PAGE_SIZE = 20
/** Shanghai has no daylight saving: a fixed +08:00 (no Intl time-zone data needed on the phone). */
const shanghai = (iso: string) => dayjs.utc(iso).utcOffset(8 * 60)
const today = () => dayjs.utc().utcOffset(8 * 60).format('YYYY-MM-DD')

type KindFilter = AuditKind | 'all'
const KIND_CHIPS: { value: KindFilter; label: string }[] = [{ value: 'all', label: '全部' }, ...AUDIT_KINDS.map((k) => ({ value: k, label: AUDIT_KIND_LABELS[k] }))]

interface Filters {
  kind: KindFilter
  from?: string
  to?: string
  person?: string
}

/**
 * 个人信息访问记录 (issue #16): who saw which full mobile number, who exported what, when and why.
 * The district admin sees the whole district; community staff see their communities. Filter by
 * kind (chips), by day range, and by one person (name or number of who acted, or whose record
 * it was, exactly as written). Read-only: entries are never changed or deleted.
 */
export default function AuditPage() {
  const hasPersona = useRequirePersona(routes.privacyAudit)
  const { me } = useMe({ enabled: hasPersona })
  const allowed = hasRole(me, 'staff') || hasRole(me, 'district_admin')
  const [filters, setFilters] = useState<Filters>({ kind: 'all' })
  const [query, setQuery] = useState('')
  const input: AuditLogsInput = {
    pageSize: PAGE_SIZE,
    ...(filters.kind !== 'all' ? { kind: filters.kind } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
    ...(filters.person ? { person: filters.person } : {})
  }
  const list = usePaged<AuditEntryView>((page) => usersApi.auditLogs({ ...input, page }), [filters.kind, filters.from, filters.to, filters.person], hasPersona && allowed)
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())

  if (!hasPersona || !me) return <PageContainer><LoadingState /></PageContainer>
  if (!allowed) return <PageContainer><ErrorState error={{ message: '个人信息访问记录仅限区级管理员和社区工作人员查看' }} /></PageContainer>

  const search = () => setFilters({ ...filters, person: query.trim() || undefined })
  const filtered = filters.kind !== 'all' || !!filters.from || !!filters.to || !!filters.person
  return (
    <PageContainer>
      <Text className='au-lead'>
        {hasRole(me, 'district_admin')
          ? '全区查看完整手机号、导出名单和报表的每一次操作都记录在此，记录不可修改或删除。'
          : '本社区查看完整手机号、导出名单的每一次操作都记录在此，记录不可修改或删除。'}
      </Text>

      <ScrollView scrollX className='au-chips-scroll' enhanced showScrollbar={false}>
        <View className='au-chips'>
          {KIND_CHIPS.map((c) => (
            <View key={c.value} className={c.value === filters.kind ? 'au-chip au-chip--on' : 'au-chip'} onClick={() => setFilters({ ...filters, kind: c.value })}>
              <Text>{c.label}</Text>
            </View>
          ))}
        </View>
      </ScrollView>

      <View className='au-dates'>
        <Text className='au-dates__caption'>日期</Text>
        <Picker mode='date' value={filters.from ?? today()} end={filters.to ?? today()} onChange={(e) => setFilters({ ...filters, from: String(e.detail.value) })}>
          <Text className='au-dates__date'>{filters.from ?? '最早'}</Text>
        </Picker>
        <Text className='au-dates__to'>至</Text>
        <Picker mode='date' value={filters.to ?? today()} start={filters.from} end={today()} onChange={(e) => setFilters({ ...filters, to: String(e.detail.value) })}>
          <Text className='au-dates__date'>{filters.to ?? '今天'}</Text>
        </Picker>
      </View>

      <View className='au-search'>
        <Input
          className='au-search__input'
          value={query}
          placeholder='姓名或记录编号（完整填写）'
          confirmType='search'
          onInput={(e) => setQuery(e.detail.value)}
          onConfirm={search}
        />
        <Text className='au-search__button' onClick={search}>
          查找
        </Text>
      </View>
      {filtered ? (
        <Text
          className='au-clear'
          onClick={() => {
            setQuery('')
            setFilters({ kind: 'all' })
          }}
        >
          清除筛选条件
        </Text>
      ) : null}

      {list.error && !list.items.length ? (
        <ErrorState error={list.error} onRetry={() => void list.reload()} />
      ) : list.loading && !list.items.length ? (
        <LoadingState />
      ) : !list.items.length ? (
        <EmptyState title={filtered ? '没有符合条件的记录' : '暂无访问记录'} description={filtered ? '可以换一个条件再试' : '查看完整手机号或导出数据后，记录会出现在这里'} />
      ) : (
        <View>
          <Text className='au-count'>{`共 ${list.total} 条，最新的在前`}</Text>
          {list.items.map((entry) => (
            <EntryCard key={entry._id} entry={entry} />
          ))}
        </View>
      )}
      {list.hasMore ? (
        <View className='au-more'>
          <BigButton fill='outline' loading={list.loading} onClick={() => void list.more()}>
            加载更多
          </BigButton>
        </View>
      ) : list.items.length ? (
        <Text className='au-end'>已全部显示</Text>
      ) : null}
    </PageContainer>
  )
}

function EntryCard({ entry }: { entry: AuditEntryView }) {
  const time = shanghai(entry.at)
  const record = entry.target.label ? `${entry.targetKindLabel}：${entry.target.label}` : `${entry.targetKindLabel}：${entry.target.id}`
  return (
    <View className='au-card' data-testid='audit-entry'>
      <View className='au-card__head'>
        <Text className={`au-card__kind au-card__kind--${entry.kind ?? 'other'}`}>{entry.kind ? AUDIT_KIND_LABELS[entry.kind] : '其他'}</Text>
        <Text className='au-card__time'>{time.format('YYYY-MM-DD HH:mm')}</Text>
      </View>
      <Text className='au-card__title'>{entry.actionLabel}</Text>
      <Text className='au-card__line'>
        <Text className='au-card__label'>操作人　</Text>
        {`${entry.actorName}（${entry.actorRoleLabel}）${entry.via === 'desk' ? '，在电脑上' : ''}`}
      </Text>
      <Text className='au-card__line'>
        <Text className='au-card__label'>涉及　　</Text>
        {record}
      </Text>
      {entry.communityName ? (
        <Text className='au-card__line'>
          <Text className='au-card__label'>社区　　</Text>
          {entry.communityName}
        </Text>
      ) : null}
      {entry.reason ? (
        <Text className='au-card__line'>
          <Text className='au-card__label'>事由　　</Text>
          {entry.reason}
        </Text>
      ) : null}
      {entry.note ? <Text className='au-card__note'>{entry.note}</Text> : null}
    </View>
  )
}
