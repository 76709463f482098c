/** Calls `listener` each time the browser is online again; returns the unsubscribe. */
export function onSignalBack(listener: () => void): () => void {
  if (typeof window === 'undefined') return () => {}
  window.addEventListener('online', listener)
  return () => window.removeEventListener('online', listener)
}
