import { useMemo } from 'react'
import { RichText, View } from '@tarojs/components'
import type { RichNode } from '@contracts/notices'
import { styledNodes } from '../richNodes'
import './notices.scss'

/**
 * A notice's body: the server's sanitised node tree, restyled, rendered by RichText as nodes
 * (never as an HTML string) in both builds.
 */
export function NoticeBody({ nodes }: { nodes: RichNode[] }) {
  const styled = useMemo(() => styledNodes(nodes), [nodes])
  return (
    <View className='nt-body'>
      <RichText nodes={styled as never} userSelect />
    </View>
  )
}
