// The Content-Security-Policy of every renderer page, whichever host serves it (Electron's app
// protocol or `qtw serve`); src-renderer/index.html carries the same policy as a meta tag.
// 'unsafe-inline' styles: Monaco and ECharts set element styles at run time. Workers come from
// the bundle (same origin) or blob: (Monaco). No remote host appears anywhere.
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');
