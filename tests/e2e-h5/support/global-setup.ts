/**
 * Jest global setup of the e2e-h5 project: before any journey starts, the H5 build must exist and
 * the browser must start and render Chinese. Otherwise the run stops here, at once, with what is
 * wrong and what to do (instead of every test file timing out on its own).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { checkBrowser } from '../browser'
import { h5Dir } from './app'

export default async function globalSetup(): Promise<void> {
  if (!existsSync(join(h5Dir(), 'index.html'))) {
    throw new Error('[e2e-h5] dist/h5 is missing: build it first with `HONGLIN_EMULATOR=1 NODE_ENV=production npx taro build --type h5` (`npm test` does this).')
  }
  // The journeys sign in as the demo personas, which only the emulator's build has (a plain
  // `npm run build:h5` is the deployable one: no dev sign-in, see config/index.ts devSignIn).
  const js = join(h5Dir(), 'js')
  const emulatorBuild = existsSync(js) && readdirSync(js).some((file) => file.endsWith('.js') && readFileSync(join(js, file), 'utf8').includes('pages/dev-login/index'))
  if (!emulatorBuild) {
    throw new Error('[e2e-h5] dist/h5 is the deployable build (no dev sign-in): rebuild it for the emulator with `HONGLIN_EMULATOR=1 NODE_ENV=production npx taro build --type h5` (`npm test` does this).')
  }
  const port = Number(process.env.HONGLIN_E2E_PORT || 0)
  if (port) {
    const probe = createServer()
    await new Promise<void>((done, fail) => {
      probe.once('error', (error: NodeJS.ErrnoException) =>
        fail(new Error(`[e2e-h5] HONGLIN_E2E_PORT=${port}: 127.0.0.1:${port} cannot be used (${error.code ?? error.message}): free it or unset HONGLIN_E2E_PORT to use a free port.`))
      )
      probe.listen(port, '127.0.0.1', () => probe.close(() => done()))
    })
  }
  try {
    const { source, version, ms } = await checkBrowser()
    console.log(`\n[e2e-h5] browser: Chromium ${version} from ${source} (checked in ${(ms / 1000).toFixed(1)} s)`)
  } catch (error) {
    throw new Error(`[e2e-h5] ${error instanceof Error ? error.message : String(error)}`)
  }
}
