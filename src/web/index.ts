/**
 * exporter-toolkit's --web.config.file for this exporter: TLS (client
 * certificates and rotation included), bcrypt basic auth, response headers
 * and the rate limit, behind one object that a Fastify app installs.
 */
export { createWebSecurity, type WebSecurity } from './security.js';
export { loadWebConfig, type WebConfig } from './config.js';
export { WebConfigError } from './errors.js';
