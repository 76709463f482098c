import { Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { Photo } from '@contracts/tickets'
import './tickets.scss'

/** Photos as large thumbnails (tap to enlarge); with `onAdd`, an add tile until `max` is reached. */
export function PhotoGrid({ photos, max = 6, onAdd, onRemove, adding }: { photos: Photo[]; max?: number; onAdd?: () => void; onRemove?: (index: number) => void; adding?: boolean }) {
  const urls = photos.map((p) => p.url)
  return (
    <View className='tk-photos'>
      {photos.map((p, i) => (
        <View key={p.fileID} className='tk-photos__item'>
          <Image className='tk-photos__img' src={p.url} mode='aspectFill' onClick={() => void Taro.previewImage({ urls, current: p.url }).catch(() => undefined)} />
          {onRemove ? (
            <Text className='tk-photos__remove' onClick={() => onRemove(i)}>
              ×
            </Text>
          ) : null}
        </View>
      ))}
      {onAdd && photos.length < max ? (
        <View className='tk-photos__add' onClick={adding ? undefined : onAdd} data-testid='add-photo'>
          <Text className='tk-photos__plus'>{adding ? '…' : '+'}</Text>
          <Text>{adding ? '上传中' : `添加照片 ${photos.length}/${max}`}</Text>
        </View>
      ) : null}
    </View>
  )
}
