/**
 * `npx tsx tests/e2e-h5/support/check-browser.ts [screenshot.png]`: finds or unpacks the browser the
 * H5 tests use, starts it, checks that Chinese text renders and closes it. `npm test` runs this
 * first, so a missing or broken browser is reported in seconds, not after the other steps.
 * Exits 0 when the browser works, 1 with what is wrong and what to do otherwise.
 */
import { checkBrowser } from '../browser'

const screenshot = process.argv[2]
// Never hang: whatever happens inside, this process ends within two minutes.
const guard = setTimeout(() => {
  console.error('[browser] the browser check did not finish within 120 s (unpacking or starting Chromium hangs).')
  process.exit(1)
}, 120000)
guard.unref()

checkBrowser({ screenshot }).then(
  ({ source, version, ms }) => {
    console.log(`[browser] ok: Chromium ${version} from ${source}, started and rendered Chinese in ${(ms / 1000).toFixed(1)} s${screenshot ? `; screenshot ${screenshot}` : ''}`)
    process.exit(0)
  },
  (error: unknown) => {
    console.error(`[browser] FAILED: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
)
