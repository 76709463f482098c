import { Image, Text, View } from '@tarojs/components'
import { ID_TYPE_LABELS, type Certificate } from '@contracts/activities'
import { fullDate, hours } from '../format'
import './certificate.scss'

/**
 * 志愿服务记录证明 as a printable sheet: what 志愿服务记录与证明出具办法 requires — the volunteer's
 * name, identity document (masked) and number, hours and service content, the issuing organisation with its person in charge
 * and handler, the number, the date and the seal — plus the QR and link to verify it.
 */
export function CertificateSheet({ certificate: c }: { certificate: Certificate }) {
  const content = c.byCategory.map((row) => `${row.key}${hours(row.minutes)}小时`).join('、')
  return (
    <View className='vc'>
      <View className='vc__frame'>
        <Text className='vc__no'>证明编号：{c.certificateNo}</Text>
        <Text className='vc__title'>志愿服务记录证明</Text>
        <Text className='vc__body'>
          兹证明 <Text className='vc__strong'>{c.name}</Text>（{c.idType && c.idNumberMasked ? `${ID_TYPE_LABELS[c.idType]}：${c.idNumberMasked}，` : ''}志愿者编号：{c.volunteerNo}）于 {fullDate(c.periodFrom)} 至 {fullDate(c.periodTo)}，
          参加由{c.issuerName}组织的志愿服务活动 {c.recordCount} 次，经核实累计志愿服务时长 <Text className='vc__strong'>{hours(c.totalMinutes)} 小时</Text>。
          服务内容：{content}。
        </Text>
        <Text className='vc__body'>特此证明。</Text>

        <View className='vc__table'>
          <View className='vc__tr vc__tr--head'>
            <Text className='vc__td vc__td--date'>日期</Text>
            <Text className='vc__td vc__td--title'>服务项目</Text>
            <Text className='vc__td vc__td--hours'>时长(小时)</Text>
          </View>
          {c.items.map((item, i) => (
            <View key={`${item.date}-${i}`} className='vc__tr'>
              <Text className='vc__td vc__td--date'>{fullDate(item.date)}</Text>
              <Text className='vc__td vc__td--title'>
                {item.title}（{item.category}）
              </Text>
              <Text className='vc__td vc__td--hours'>{hours(item.minutes)}</Text>
            </View>
          ))}
          {c.items.length < c.recordCount ? <Text className='vc__note'>（仅列出最近 {c.items.length} 次，合计时长含全部 {c.recordCount} 次）</Text> : null}
        </View>

        <View className='vc__foot'>
          <View className='vc__sign'>
            <Text className='vc__line'>出具单位：{c.issuerName}</Text>
            <Text className='vc__line'>负责人：{c.personInCharge}</Text>
            <Text className='vc__line'>经办人：{c.handler}</Text>
            <Text className='vc__line'>出具日期：{fullDate(c.issuedAt)}</Text>
          </View>
          <View className='vc__seal' aria-label={`印章：${c.sealText}`}>
            <Text className='vc__seal-star'>★</Text>
            <Text className='vc__seal-text'>{c.sealText}</Text>
            <Text className='vc__seal-sub'>志愿服务专用</Text>
          </View>
        </View>

        <View className='vc__verify'>
          {c.verifyCodeUrl ? <Image className='vc__verify-code' src={c.verifyCodeUrl} mode='aspectFit' /> : null}
          <View className='vc__verify-text'>
            <Text className='vc__line'>扫码或访问以下链接，即可核验本证明：</Text>
            <Text className='vc__link'>{c.verifyUrl}</Text>
          </View>
        </View>
      </View>
    </View>
  )
}
