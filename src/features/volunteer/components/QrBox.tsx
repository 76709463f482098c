import { Image, Text, View } from '@tarojs/components'
import './volunteer.scss'
import './volunteer-pages.scss'

/** A QR image (PNG data URL or file URL) large enough to scan from another phone. */
export function QrBox({ src, caption, code }: { src: string; caption?: string; code?: string }) {
  return (
    <View className='vt-qr'>
      <Image className='vt-qr__image' src={src} mode='scaleToFill' showMenuByLongpress />
      {caption ? <Text className='vt-qr__caption'>{caption}</Text> : null}
      {code ? <Text className='vt-qr__code'>{code}</Text> : null}
    </View>
  )
}
