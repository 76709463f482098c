/**
 * The mini-program has WeChat's own navigation bar (title and back from app/page config), so
 * nothing here; H5 draws one (NavBar.h5.tsx).
 */
export function NavBar() {
  return null
}
