import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { createRegistryApp } from './app.js';
import type { RegistryConfig } from './config.js';
import { type Database, openDatabase } from './storage/orm.js';
import { ContentStore } from './store/content-store.js';

export interface RunningRegistry {
  url: string;
  db: Database;
  store: ContentStore;
  close(): Promise<void>;
}

export function createLogger(config: RegistryConfig): Logger {
  return pino({ level: config.logLevel, base: { service: 'cairn-registry' } });
}

/** Opens the database, applies pending migrations and starts listening. */
export async function startRegistry(
  config: RegistryConfig,
  logger: Logger = createLogger(config),
): Promise<RunningRegistry> {
  const db = await openDatabase(config.databaseUrl);
  let server: Server | undefined;
  try {
    const applied = await db.migrate();
    if (applied.length) logger.info({ migrations: applied }, 'database migrated');
    const store = new ContentStore(join(config.dataDir, 'store'));
    const app = createRegistryApp({ config, db, store, logger });
    server = app.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', resolve).once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    logger.info({ url, database: db.dialect, dataDir: config.dataDir }, 'cairn registry is listening');
    const listening = server;
    return {
      url,
      db,
      store,
      close: async () => {
        const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
        listening.closeIdleConnections();
        listening.closeAllConnections();
        await closed;
        await db.close();
      },
    };
  } catch (error) {
    server?.close();
    await db.close();
    throw error;
  }
}
