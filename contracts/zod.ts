import { z } from 'zod'

// zod 4 probes `new Function` for its JIT; mini-program runtimes forbid it (and CSP-strict pages too).
z.config({ jitless: true })

export { z }
