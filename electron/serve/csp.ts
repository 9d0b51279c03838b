/**
 * One strict CSP for both shells: only our own scripts and styles; the only connection allowed is
 * back to our own origin (browser mode's WebSocket). Electron's file:// page needs no connect-src at all.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
