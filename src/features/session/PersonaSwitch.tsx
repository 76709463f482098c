/**
 * Mini-program (and tests): no dev personas. PersonaSwitch.h5.tsx shows the current persona and a
 * "切换身份" link in the H5 build.
 */
export function PersonaSwitch() {
  return null
}
