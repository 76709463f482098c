#!/usr/bin/env node
// Keeps `npm ci` working: some optional dependencies of our dependencies are not published at the
// versions asked for, so `npm install` leaves them out of package-lock.json, and `npm ci` then
// refuses the lock ("Missing: … from lock file"). This writes an entry for each of them, marked
// optional, so `npm ci` accepts the lock and skips them as `npm install` does:
//  - @tarojs/binding-{darwin-arm64,darwin-x64,linux-arm64-gnu,win32-x64-msvc}@4.2.1 (optional
//    dependencies of @tarojs/binding 4.2.1; only up to 4.1.11 were published). They carry their
//    os/cpu, so npm skips them on other platforms without asking the registry.
//  - @jmfe/npm-usage-stats-tool (optional dependency "latest" of @nutui/nutui-react-taro; not on
//    the public registry at all). package.json's "overrides" pins it to 0.0.0, because a lock entry
//    for a dist-tag needs a registry URL, which this machine's npm config leaves out of locks.
// Run it after `npm install <something>` if `npm ci` says "Missing: … from lock file":
//   node scripts/lock-unpublished.mjs
import { readFileSync, writeFileSync } from 'node:fs'

const file = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(file, 'utf8'))
const binding = (os, cpu) => ({ version: '4.2.1', cpu: [cpu], dev: true, optional: true, os: [os] })
const entries = {
  'node_modules/@tarojs/binding-darwin-arm64': binding('darwin', 'arm64'),
  'node_modules/@tarojs/binding-darwin-x64': binding('darwin', 'x64'),
  'node_modules/@tarojs/binding-linux-arm64-gnu': binding('linux', 'arm64'),
  'node_modules/@tarojs/binding-win32-x64-msvc': binding('win32', 'x64'),
  'node_modules/@jmfe/npm-usage-stats-tool': { version: '0.0.0', optional: true }
}
const added = Object.keys(entries).filter((key) => !lock.packages[key])
const packages = { ...lock.packages, ...entries }
// npm keeps the root first and the rest sorted by path.
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))))
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n')
console.log(added.length ? `package-lock.json: added ${added.join(', ')}` : 'package-lock.json: already complete')
