import Taro, { useRouter } from '@tarojs/taro'
import { DESK_ENDED_QUERY, DESK_HOME_URL, NarrowNotice, SESSION_ENDED_MESSAGE, useDeskSignIn, useWideScreen, type SignInView } from '@/features/desk'

const goHome = () => void Taro.reLaunch({ url: DESK_HOME_URL }).catch(() => {})

/**
 * 管理后台 · 扫码登录 (PC, H5 only): the QR code to scan with the 红邻 mini-program, its status while
 * the phone confirms, and 登录已失效 when a session was just refused (`?ended=1`).
 */
export default function DeskSignInPage() {
  const wide = useWideScreen()
  const ended = useRouter().params[DESK_ENDED_QUERY] === '1'
  const { view, refresh } = useDeskSignIn(goHome)
  if (!wide) return <NarrowNotice />
  return (
    <div className='desk-signin'>
      <section className='desk-signin__intro'>
        <div className='desk-signin__brand'>红邻管理后台</div>
        <div className='desk-signin__tagline'>社区物业党建联建 · 工作人员使用</div>
        <ol className='desk-signin__steps'>
          <li>打开微信，进入“红邻”小程序</li>
          <li>用微信“扫一扫”扫描右侧二维码</li>
          <li>在手机上点“登录”</li>
        </ol>
      </section>
      <section className='desk-signin__panel'>
        <div className='desk-signin__card'>
          <h1 className='desk-signin__heading'>扫码登录</h1>
          {ended && view.phase !== 'signingIn' ? (
            <div className='desk-signin__status desk-signin__status--alert' role='alert' data-testid='desk-ended'>
              {SESSION_ENDED_MESSAGE}
            </div>
          ) : null}
          <Qr view={view} refresh={refresh} />
          <Status view={view} />
          <div className='desk-signin__note'>仅社区工作人员、区级管理员、物业和业委会成员可以登录</div>
        </div>
      </section>
    </div>
  )
}

function Qr({ view, refresh }: { view: SignInView; refresh: () => void }) {
  if (view.phase === 'showing') {
    return (
      <div className={view.scanned ? 'desk-signin__qr desk-signin__qr--dim' : 'desk-signin__qr'}>
        <img src={view.qr} alt='登录二维码' data-scene={view.scene} data-testid='desk-qr' />
        {view.scanned ? <div className='desk-signin__qr-over'>已扫码</div> : null}
      </div>
    )
  }
  if (view.phase === 'expired' || view.phase === 'cancelled' || view.phase === 'failed') {
    const title = view.phase === 'expired' ? '二维码已过期' : view.phase === 'cancelled' ? '已在手机上取消' : '未能登录'
    return (
      <div className='desk-signin__qr'>
        <div className='desk-signin__qr-over'>
          <span>{title}</span>
          {view.canRefresh ? (
            <button type='button' className='desk-signin__button' onClick={refresh}>
              刷新二维码
            </button>
          ) : (
            <span className='desk-signin__note'>请刷新网页后再试</span>
          )}
        </div>
      </div>
    )
  }
  return <div className='desk-signin__qr'>{view.phase === 'signingIn' ? '正在登录…' : '正在生成二维码…'}</div>
}

function Status({ view }: { view: SignInView }) {
  if (view.phase === 'showing') {
    return view.scanned ? (
      <div className='desk-signin__status desk-signin__status--ok'>已扫码，请在手机上确认</div>
    ) : (
      <div className='desk-signin__status'>请使用红邻小程序扫码，二维码 3 分钟内有效</div>
    )
  }
  if (view.phase === 'failed') return <div className='desk-signin__status desk-signin__status--alert'>{view.message}</div>
  return null
}
