export { createRegistryApp, type RegistryDeps } from './app.js';
export { ConfigError, loadRegistryConfig, type RegistryConfig } from './config.js';
export { openApiDocument } from './http/openapi.js';
export { type RunningRegistry, startRegistry } from './server.js';
