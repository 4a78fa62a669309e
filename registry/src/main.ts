import { ConfigError, loadRegistryConfig } from './config.js';
import { createLogger, startRegistry } from './server.js';

let config: ReturnType<typeof loadRegistryConfig>;
try {
  config = loadRegistryConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`cairn-registry: ${error.message}`);
  process.exit(2);
}

const logger = createLogger(config);
const registry = await startRegistry(config, logger);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    registry.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
