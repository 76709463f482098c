export { usersApi } from './api'
export { DataSection } from './DataSection'
export { ConsentCard } from './ConsentCard'
export { formatTime, SECTION_ROUTES } from './sections'
// Platform module: Taro resolves `./openExport` to `./openExport.h5.ts` / `./openExport.weapp.ts`.
export { openExport, type ExportedFile } from './openExport'
import './privacy.scss'
