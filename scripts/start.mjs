#!/usr/bin/env node
// `npm start`: build the H5 app, then run the local cloud emulator serving it with the demo district.
import { spawnSync, spawn } from 'node:child_process'

const root = new URL('..', import.meta.url).pathname
if (!process.env.SKIP_H5_BUILD) {
  console.log('building the H5 app for the emulator (dist/h5, with the dev sign-in) …')
  // HONGLIN_EMULATOR=1: the build signs in as a demo persona via `x-openid` (config/index.ts).
  const build = spawnSync('npx', ['taro', 'build', '--type', 'h5'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production', HONGLIN_EMULATOR: '1' } })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
const child = spawn('npx', ['tsx', 'emulator/main.ts'], { cwd: root, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 0))
