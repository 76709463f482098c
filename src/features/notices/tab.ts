/**
 * The slice of this feature that the 首页 tab page (main package) uses. The tab page imports from
 * here, not from the feature's index: the barrel pulls the rich-text markup, uploads and every
 * component into the main package, which we keep under 600 KB.
 */
export { useNoticeBadge, BADGE_TAB_INDEX } from './useNoticeBadge'
