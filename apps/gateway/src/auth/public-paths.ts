/**
 * Which requests need no credential, decided on the canonical form of the path so that case, repeated or
 * trailing slashes and percent-encoding cannot change the answer. Everything not listed here requires
 * authentication whenever any is configured (default deny).
 */

/** Paths that answer without a credential: liveness and readiness probes. */
const ALWAYS_PUBLIC = new Set(['/health/live', '/health/ready']);

/**
 * Face thumbnails linked from Stranger / KnownPerson events: the link's own random token is the credential (the
 * event's receiver holds no API key), checked by the face-event controller in constant time.
 */
const FACE_EVENT_THUMBNAIL = /^\/face-events\/[0-9a-f-]{36}\/thumbnail\.jpg$/;

/** Paths served to browsers, which also accept the dashboard's cookie, basic auth and `?key=`. */
const BROWSER_PREFIXES = ['/dashboard', '/admin/queues', '/api/docs'];

/**
 * Lower case, percent-decoded (repeatedly, so `%252F` cannot hide a slash), slashes collapsed, no trailing
 * slash. Null when the path cannot be decoded or holds dot segments: such a path is never public.
 */
export function canonicalPath(path: string): string | null {
  let decoded = path.split('?')[0] ?? '';
  for (let i = 0; i < 4 && decoded.includes('%'); i++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return null;
    }
  }
  if (decoded.includes('%') || decoded.includes('\\') || /[\u0000-\u001f]/.test(decoded)) return null;
  const collapsed = `/${decoded.split('/').filter(Boolean).join('/')}`.toLowerCase();
  if (collapsed.split('/').some((segment) => segment === '.' || segment === '..')) return null;
  return collapsed;
}

export function isPublicPath(path: string, options: { metricsPublic: boolean }): boolean {
  const canonical = canonicalPath(path);
  if (canonical === null) return false;
  return (
    ALWAYS_PUBLIC.has(canonical) ||
    FACE_EVENT_THUMBNAIL.test(canonical) ||
    (options.metricsPublic && canonical === '/metrics')
  );
}

export function isBrowserPath(path: string): boolean {
  const canonical = canonicalPath(path);
  if (canonical === null) return false;
  return BROWSER_PREFIXES.some((prefix) => canonical === prefix || canonical.startsWith(prefix));
}

/** The dashboard and bull-board, where a browser may bring the key once as `?key=`. */
export function isDashboardPath(path: string): boolean {
  const canonical = canonicalPath(path);
  return canonical !== null && /^\/(dashboard|admin\/queues)(\/|$)/.test(canonical);
}

/** The storage webhook, whose senders cannot always set headers: it accepts the key as `?token=` too. */
export function isTokenQueryPath(path: string): boolean {
  return canonicalPath(path) === '/api/v1/events/storage';
}
