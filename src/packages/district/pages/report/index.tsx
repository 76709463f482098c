import { useState } from 'react'
import dayjs from 'dayjs'
import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { BigButton, ErrorState, LoadingState, PageContainer } from '@/components'
import { FIGURE_KIND_LABELS, SECTION_LABELS } from '@contracts/reportLabels'
import { canPrint, DEFAULT_PERIOD, formatValue, openWorkbook, presetOf, printPage, reportsApi, useDashboard } from '@/features/district'
import { useRequirePersona } from '@/features/session'
import './index.scss'

const ORDINALS = '一二三四'

/**
 * The work report as a printable page, in the seed's structure (组织全覆盖 … 保障全覆盖): the same
 * figures as the dashboard and the workbook, each with how it is computed. The workbook (.xlsx) is
 * generated on demand (and audit-logged).
 */
export default function ReportPage() {
  const hasPersona = useRequirePersona()
  const params = useRouter().params
  const preset = presetOf(DEFAULT_PERIOD)
  const query = { communityId: params.communityId || undefined, from: params.from || preset.from, to: params.to || preset.to }
  const { data, error, reload } = useDashboard(query)
  const [exporting, setExporting] = useState(false)

  const download = async () => {
    setExporting(true)
    const reply = await reportsApi.workReport(query)
    setExporting(false)
    if (!reply.ok) {
      await Taro.showToast({ title: reply.error.message, icon: 'none' })
      return
    }
    try {
      await openWorkbook(reply.data)
    } catch {
      await Taro.showToast({ title: '文件打开失败，请稍后重试', icon: 'none' })
    }
  }

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (error && !data) return <PageContainer><ErrorState error={error} onRetry={() => void reload()} /></PageContainer>
  if (!data) return <PageContainer><LoadingState text='正在生成报告…' /></PageContainer>

  return (
    <PageContainer className='report-page'>
      <View className='report'>
        <Text className='report__title'>{data.scope.name}社区物业党建联建工作报告</Text>
        <Text className='report__meta'>
          统计期：{data.period.from} 至 {data.period.to}
        </Text>
        <Text className='report__meta'>生成时间：{dayjs(data.generatedAt).format('YYYY-MM-DD HH:mm')} · 数据由系统记录汇总</Text>
        <Text className='report__lead'>
          说明："统计期内"的指标统计该期间内发生的事项；"截至当前"的指标为生成时的存量。每项指标下注明计算方法。
        </Text>
        {data.sections.map((section, i) => (
          <View key={section.key} className='report__section'>
            <Text className='report__heading'>
              {ORDINALS[i]}、{SECTION_LABELS[section.key]}
            </Text>
            {section.figures.map((f, n) => (
              <View key={f.key} className='report__row' data-key={f.key}>
                <View className='report__line'>
                  <Text className='report__label'>
                    {n + 1}. {f.label}
                  </Text>
                  <Text className='report__value'>
                    {formatValue(f.value)}
                    <Text className='report__unit'> {f.unit}</Text>
                  </Text>
                </View>
                {f.breakdown?.length ? <Text className='report__extra'>其中：{f.breakdown.map((b) => `${b.label} ${formatValue(b.value)}`).join('；')}</Text> : null}
                {f.target !== undefined || f.note ? (
                  <Text className='report__extra'>{[f.target !== undefined ? `目标 ${formatValue(f.target)}` : '', f.note ?? ''].filter(Boolean).join('；')}</Text>
                ) : null}
                <Text className='report__definition'>
                  【{FIGURE_KIND_LABELS[f.kind]}】{f.definition}
                </Text>
              </View>
            ))}
          </View>
        ))}
      </View>
      <View className='report__actions'>
        <BigButton loading={exporting} onClick={() => void download()}>
          下载Excel工作报告
        </BigButton>
        {canPrint ? (
          <View className='report__print'>
            <BigButton fill='outline' type='default' onClick={printPage}>
              打印本页
            </BigButton>
          </View>
        ) : null}
      </View>
    </PageContainer>
  )
}
