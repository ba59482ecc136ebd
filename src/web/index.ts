/**
 * exporter-toolkit's --web.config.file for this exporter: TLS (client
 * certificates and rotation included), bcrypt basic auth, response headers
 * and the rate limit, behind one object that a Fastify app installs.
 */
export { loadWebSecurity, createWebSecurity, type WebSecurity, type WebSecurityOptions, type Verdict } from './security.js';
export { loadWebConfig, parseWebConfig, type WebConfig, type WebTlsConfig } from './config.js';
export { WebConfigError } from './errors.js';
export type { ReloadOptions, ReloadResult } from './tls.js';
