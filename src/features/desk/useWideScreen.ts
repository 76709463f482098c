import { useEffect, useState } from 'react'

/** The narrowest window the back office lays out for (CSS px). */
export const DESK_MIN_WIDTH = 1024
export const NARROW_MESSAGE = '请在宽度不小于 1024 像素的电脑浏览器中使用'

const width = () => (typeof window !== 'undefined' ? window.innerWidth : DESK_MIN_WIDTH)

/** Whether the window is wide enough for the back office (follows resizing). */
export function useWideScreen(): boolean {
  const [wide, setWide] = useState(() => width() >= DESK_MIN_WIDTH)
  useEffect(() => {
    const check = () => setWide(width() >= DESK_MIN_WIDTH)
    window.addEventListener('resize', check)
    return () => window.removeEventListener('resize', check)
  }, [])
  return wide
}
