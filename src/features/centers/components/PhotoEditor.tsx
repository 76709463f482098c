import { Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { CenterPhoto } from '@contracts/centers'
import './centers.scss'
import './centers-pages.scss'

/** A centre's photos as large thumbnails (tap to enlarge, × to remove) and an add tile until `max`. */
export function PhotoEditor({ photos, max, onAdd, onRemove, adding }: { photos: CenterPhoto[]; max: number; onAdd: () => void; onRemove: (index: number) => void; adding?: boolean }) {
  const urls = photos.map((p) => p.url)
  return (
    <View className='ct-photo-edit'>
      {photos.map((p, i) => (
        <View key={p.fileID} className='ct-photo-edit__item'>
          <Image className='ct-photo-edit__img' src={p.url} mode='aspectFill' onClick={() => void Taro.previewImage({ urls, current: p.url }).catch(() => undefined)} />
          <Text className='ct-photo-edit__remove' onClick={() => onRemove(i)}>
            ×
          </Text>
        </View>
      ))}
      {photos.length < max ? (
        <View className='ct-photo-edit__add' onClick={adding ? undefined : onAdd} data-testid='add-center-photo'>
          <Text className='ct-photo-edit__plus'>{adding ? '…' : '+'}</Text>
          <Text>{adding ? '上传中' : `添加照片 ${photos.length}/${max}`}</Text>
        </View>
      ) : null}
    </View>
  )
}
