import { Image, Text, View } from '@tarojs/components'
import type { Attachment } from '@contracts/notices'
import { formatSize } from '../format'
import { openAttachment } from '../openAttachment'
import './notices.scss'

/** Attachments as big rows: image thumbnails open the viewer, PDFs open the document. */
export function AttachmentList({ attachments, onRemove }: { attachments: Pick<Attachment, 'fileID' | 'name' | 'kind' | 'size' | 'url' | 'contentType'>[]; onRemove?: (fileID: string) => void }) {
  const images = attachments.filter((a) => a.kind === 'image').map((a) => a.url)
  return (
    <View className='nt-attachments'>
      {attachments.map((a) => (
        <View key={a.fileID} className='nt-attachment' onClick={() => (onRemove ? undefined : void openAttachment(a as Attachment, images))}>
          {a.kind === 'image' && a.url ? <Image className='nt-attachment__thumb' src={a.url} mode='aspectFill' /> : <View className='nt-attachment__icon'>PDF</View>}
          <View className='nt-attachment__text'>
            <Text className='nt-attachment__name'>{a.name}</Text>
            <Text className='nt-attachment__size'>{formatSize(a.size)}</Text>
          </View>
          {onRemove ? (
            <Text className='nt-attachment__action' onClick={() => onRemove(a.fileID)}>
              移除
            </Text>
          ) : (
            <Text className='nt-attachment__action'>{a.kind === 'image' ? '查看' : '打开'}</Text>
          )}
        </View>
      ))}
    </View>
  )
}
