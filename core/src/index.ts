/** `@cairn/core`: the Cairn server, embeddable from Node. */
export { type CairnConfig, ConfigError, loadConfig } from './config/config.js';
export * from './engine/index.js';
export { type RunningServer, startServer } from './server.js';
