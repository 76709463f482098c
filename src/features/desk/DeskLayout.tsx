import { useEffect, useState, type ReactNode } from 'react'
import Taro from '@tarojs/taro'
import { roleLabels, useMe } from '@/features/session'
import { navFor, type DeskNavKey } from './nav'
import { DESK_SIGNIN_URL, deskSession } from './session'
import { NARROW_MESSAGE, useWideScreen } from './useWideScreen'
import './desk.scss'

/**
 * A desk page opens: routes its calls through the desk session and says whether one is active;
 * without one it goes to the sign-in page (render nothing meanwhile, so no call leaves unsigned).
 */
export function useDeskGate(): boolean {
  const active = deskSession.enter() === 'active'
  useEffect(() => {
    if (!active) Taro.reLaunch({ url: DESK_SIGNIN_URL }).catch(() => {})
  }, [active])
  return active
}

/** Shown instead of the back office in a window narrower than 1024 px. */
export function NarrowNotice() {
  return (
    <div className='desk-narrow' role='alert'>
      <div className='desk-narrow__brand'>红邻管理后台</div>
      <div className='desk-narrow__text'>{NARROW_MESSAGE}</div>
    </div>
  )
}

/**
 * The back office's frame (H5 only; plain DOM): the side navigation, a header with the person's
 * name and roles and 退出登录, and the page. Sizes in uppercase PX (pxtransform leaves them alone).
 */
export function DeskLayout({ active, title, children }: { active: DeskNavKey; title: string; children: ReactNode }) {
  const wide = useWideScreen()
  const { me } = useMe()
  const [leaving, setLeaving] = useState(false)
  if (!wide) return <NarrowNotice />
  const signOut = async () => {
    setLeaving(true)
    await deskSession.signOut()
  }
  return (
    <div className='desk'>
      <nav className='desk__side' aria-label='管理后台导航'>
        <div className='desk__brand'>
          <span className='desk__brand-mark'>红</span>
          <span className='desk__brand-text'>红邻管理后台</span>
        </div>
        <ul className='desk__nav'>
          {navFor(me?.roles ?? []).map((item) => (
            <li key={item.key}>
              <a
                className={item.key === active ? 'desk__nav-item desk__nav-item--active' : 'desk__nav-item'}
                aria-current={item.key === active ? 'page' : undefined}
                data-testid={`desk-nav-${item.key}`}
                href={`#${item.url}`}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className='desk__main'>
        <header className='desk__header'>
          <h1 className='desk__title'>{title}</h1>
          <div className='desk__who' data-testid='desk-who'>
            <span className='desk__name'>{me?.profile.name || (me ? '未登记姓名' : '…')}</span>
            {me ? <span className='desk__roles'>{roleLabels(me).join('、')}</span> : null}
            <button type='button' className='desk__signout' disabled={leaving} onClick={() => void signOut()}>
              {leaving ? '正在退出…' : '退出登录'}
            </button>
          </div>
        </header>
        <main className='desk__content'>{children}</main>
      </div>
    </div>
  )
}
