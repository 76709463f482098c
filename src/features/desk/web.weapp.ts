/**
 * The mini-program's side of ./web: nothing. The PC back office is H5 only (web.ts); its pages are
 * not in the weapp's app.json, and this empty module keeps its code and js-sdk out of the bundle.
 */
export {}
