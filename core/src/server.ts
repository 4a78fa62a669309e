import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { type Logger, pino } from 'pino';
import { Accounts } from './auth/accounts.js';
import { Credentials } from './auth/credentials.js';
import type { CairnConfig } from './config/config.js';
import { PendingEvents } from './flows/pending.js';
import { createApp } from './http/app.js';
import { InFlightRequests } from './http/in-flight.js';
import { LiveHub } from './live/live.js';
import { metricsRoute } from './observability/http.js';
import { Metrics } from './observability/metrics.js';
import { PluginInstaller } from './plugins/installer.js';
import { DirectorySource, RegistrySource } from './plugins/sources.js';
import { PluginStore } from './plugins/store.js';
import { storeBroker } from './resources/broker.js';
import { ResourceStore } from './resources/resources.js';
import { resolveSecretKey, SecretBox } from './resources/secret-box.js';
import { SandboxPool } from './sandbox/pool.js';
import { type Database, openDatabase } from './storage/orm.js';

/** How often to look for abandoned pending events. */
const PENDING_SWEEP_MS = 30_000;

export interface RunningServer {
  url: string;
  db: Database;
  sandbox: SandboxPool;
  close(): Promise<void>;
}

export function createLogger(config: CairnConfig): Logger {
  return pino({ level: config.logLevel, base: { service: 'cairn' } });
}

/** Opens the database, applies pending migrations and starts listening. */
export async function startServer(
  config: CairnConfig,
  logger: Logger = createLogger(config),
): Promise<RunningServer> {
  const db = await openDatabase(config.databaseUrl);
  let server: Server | undefined;
  let sandbox: SandboxPool | undefined;
  let metricsServer: Server | undefined;
  let live: LiveHub | undefined;
  try {
    const applied = await db.migrate();
    if (applied.length) logger.info({ migrations: applied }, 'database migrated');
    const accounts = new Accounts(db);
    const bootstrap = await accounts.bootstrap(
      config.auth.initialAdminEmail,
      config.auth.initialAdminPassword,
    );
    if (bootstrap) logger.info({ email: bootstrap.email }, 'created the first admin account');
    if (bootstrap?.password) {
      // Shown once, on the terminal only (never in the logs); change it after signing in.
      process.stdout.write(
        `\nCairn created the first admin account.\n  e-mail:   ${bootstrap.email}\n  password: ${bootstrap.password}\nSign in at the console and change the password.\n\n`,
      );
    }
    const credentials = new Credentials(db, config.adminToken, config.auth.sessionHours);
    const plugins = await PluginStore.load(
      { builtIns: config.builtInPlugins, extraDirs: config.pluginDirs, approved: config.approvedPlugins },
      logger,
    );
    const installer = new PluginInstaller(
      db,
      plugins,
      { reload: (bundles) => sandbox!.reload(bundles) },
      [
        ...config.registries.map((url) => new RegistrySource(url)),
        ...config.packageDirs.map((dir) => new DirectorySource(dir)),
      ],
      config.trustedKeys,
      config.dataDir,
      logger,
    );
    await installer.loadInstalled();
    const resources = new ResourceStore(
      db,
      new SecretBox(resolveSecretKey(config.secretKey, config.dataDir)),
    );
    const metrics = new Metrics();
    sandbox = new SandboxPool({
      size: config.sandbox.workers,
      eventTimeoutMs: config.sandbox.eventTimeoutMs,
      settings: {
        limits: {
          memoryMb: config.sandbox.memoryMb,
          cpuMs: config.sandbox.cpuMs,
          outputBytes: config.sandbox.outputBytes,
        },
        maxNodeRuns: config.sandbox.maxNodeRuns,
      },
      http: { allow: config.httpAllow, resources: storeBroker(resources) },
      approves: (plugin) => plugins.isApproved(plugin),
      onRestart: () => metrics.sandboxRestarts.inc(),
      logger,
    });
    await sandbox.start(plugins.all());
    const inFlight = new InFlightRequests();
    live = new LiveHub({
      maxQueuedPackets: config.liveMaxQueue,
      logger,
      onDrop: () => metrics.liveClientsDropped.inc(),
    });
    const { app, processor } = createApp({
      config,
      db,
      logger,
      accounts,
      credentials,
      inFlight,
      plugins,
      sandbox,
      resources,
      metrics,
      live,
      installer,
    });
    server = app.listen(config.port, config.host);
    live.attach(server, credentials);
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', resolve).once('error', reject);
    });
    server.keepAliveTimeout = 65_000;
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    logger.info({ url, database: db.dialect }, 'cairn is listening');
    // Prometheus can scrape a separate port on an internal network without the admin token.
    if (config.metricsPort) {
      metricsServer = new Koa().use(metricsRoute(metrics).routes()).listen(config.metricsPort, config.host);
      await new Promise<void>((resolve, reject) => {
        metricsServer!.once('listening', resolve).once('error', reject);
      });
    }
    // Events a stopped server left pending get their flows run (see `PendingEvents`).
    const pending = new PendingEvents(db, processor, metrics, logger, {
      graceMs: config.sandbox.pendingAfterMs,
      everyMs: PENDING_SWEEP_MS,
      databaseUrl: config.databaseUrl,
    });
    pending.start();
    const listening = server;
    const workers = sandbox;
    const scraping = metricsServer;
    const updates = live;
    return {
      url,
      db,
      sandbox: workers,
      close: async () => {
        // No new sweep starts; one in progress ends after the request it is on.
        const sweepStopped = pending.stop();
        await updates.close();
        const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
        listening.closeIdleConnections();
        // Requests already accepted finish their writes before the database goes away.
        await inFlight.idle(config.shutdownGraceMs);
        listening.closeAllConnections();
        await closed;
        await sweepStopped;
        scraping?.close();
        await workers.close();
        await db.close();
      },
    };
  } catch (error) {
    await live?.close();
    server?.close();
    metricsServer?.close();
    await sandbox?.close();
    await db.close();
    throw error;
  }
}
