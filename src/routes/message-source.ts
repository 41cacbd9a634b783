// Route sources: the path a message comes from, and edgeHub's prefix match between a route's FROM path and it.
// Routes stage; used by the local runner to decide which routes see a message.

/** The source path edgeHub gives a message: twin change notification, module output, or device telemetry. */
export function messageSourceOf(message: { moduleId?: string; outputName?: string; twinChange?: boolean }): string {
  if (message.twinChange) return '/twinChangeNotifications';
  if (message.moduleId) {
    const base = `/messages/modules/${message.moduleId}`;
    return message.outputName ? `${base}/outputs/${message.outputName}` : base;
  }
  return '/messages';
}

/**
 * edgeHub's match of a route's FROM path against a message source: trailing '*' and '/' are dropped from the
 * route path, both sides end with one '/', and the route path must be a case-insensitive prefix.
 * So '/messages/modules/m1/*' matches module m1 (any output) but not m10, and '/*' matches everything.
 */
export function sourceMatches(routeSourcePath: string, messageSource: string): boolean {
  const prefix = withSingleTrailingSlash(routeSourcePath.trim().replace(/\*+$/, ''));
  return withSingleTrailingSlash(messageSource).toLowerCase().startsWith(prefix.toLowerCase());
}

function withSingleTrailingSlash(path: string): string {
  return `${path.trim().replace(/\/+$/, '')}/`;
}

/** Whether a route from `routeSourcePath` reads twin change notifications (where twin_change_includes is allowed). */
export function conditionSourceOf(routeSourcePath: string): 'messages' | 'twinChangeNotifications' {
  return sourceMatches(routeSourcePath, '/twinChangeNotifications') && !sourceMatches(routeSourcePath, '/messages')
    ? 'twinChangeNotifications'
    : 'messages';
}
