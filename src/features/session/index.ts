export { useMe, type MeState } from './useMe'
export { sessionStore, type SessionState } from './store'
export { meApi } from './api'
export { hasRole, roleLabels, addressLine, scopeLines } from './roles'
// Platform modules: Taro resolves `./x` to `./x.h5.tsx` / `./x.h5.ts` in the H5 build.
export { useRequirePersona } from './requirePersona'
export { PersonaSwitch } from './PersonaSwitch'
