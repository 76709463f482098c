/**
 * The slice of this feature that the H5-only dev sign-in page (src/pages/dev-login/index) uses: the
 * demo personas and signing in as one. Not in the feature's index, so the mini-program's main
 * package, which imports the index, never carries the persona list; nor does an H5 build without
 * HONGLIN_DEV_SIGNIN, which does not build that page (app.config.ts).
 */
export { PERSONAS, type Persona } from './personas'
export { signInAs } from './devSignIn'
