import { resolve } from 'node:path';
import { boolean, byteSize, ConfigError, databaseUrl, type Env, integer, LOG_LEVELS } from './env.js';

export { ConfigError } from './env.js';

/**
 * Server configuration, read once from the environment at start and passed down.
 * Every variable is documented in the README's configuration table.
 */
export interface CairnConfig {
  /** TCP port of the HTTP server. */
  port: number;
  /** Interface the HTTP server binds to. */
  host: string;
  /** Folder for the SQLite file, the generated secret key and other local state. */
  dataDir: string;
  /** `sqlite:<file>` or `mysql://user:pass@host:port/db`. */
  databaseUrl: string;
  /** A machine credential with every permission, accepted as a bearer token; only when configured. */
  adminToken: string | undefined;
  auth: {
    /** Lifetime of a sign-in session, hours. */
    sessionHours: number;
    /** Failed sign-ins allowed per address and account in `loginWindowMinutes`. */
    loginAttempts: number;
    loginWindowMinutes: number;
    /** E-mail of the admin account created on the first start with no accounts. */
    initialAdminEmail: string;
    /** Its password; when unset, a random one is generated and printed once. */
    initialAdminPassword: string | undefined;
  };
  /** Key that seals stored credentials (32 bytes, base64 or hex); when unset, generated once into `dataDir`. */
  secretKey: string | undefined;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /** Most events accepted in one `/track` payload. */
  maxEventsPerRequest: number;
  /** Parallel write transactions for collected events on MySQL (SQLite has one writer). */
  writeLanes: number;
  /** Most collector requests committed together in one transaction. */
  maxWriteGroup: number;
  /** Trust `X-Forwarded-For` for the client address (only behind a proxy you run). */
  trustProxy: boolean;
  /** Messages queued for one live-update client before it is disconnected as too slow. */
  liveMaxQueue: number;
  /** Folder of the built console served at `/`; by default the `ui` package's build. */
  consoleDir: string | undefined;
  /** pino log level. */
  logLevel: string;
  /** Port of a separate, unauthenticated `/metrics` listener; when unset, `/metrics` needs `metrics:read`. */
  metricsPort: number | undefined;
  /** Extra built plugin folders to load (each with `plugin.js` and `manifest.json`). */
  pluginDirs: string[];
  /** How long a stopping server lets the requests in flight finish, ms. */
  shutdownGraceMs: number;
  sandbox: {
    /** Sandbox worker processes. */
    workers: number;
    /** Heap limit per plugin isolate, MB. */
    memoryMb: number;
    /** CPU time per node call, ms. */
    cpuMs: number;
    /** Serialized output per node call, bytes. */
    outputBytes: number;
    /** Wall time for all flows of one event, ms. */
    eventTimeoutMs: number;
    /** How long after it was stored a `pending` event is taken as left by a stopped server, ms. */
    pendingAfterMs: number;
    /** Node calls allowed in one flow run. */
    maxNodeRuns: number;
  };
  /** Private or local IPs / CIDR ranges plugins may reach over HTTP (normally refused). */
  httpAllow: string[];
  /** Plugin versions (`name@version`) from `pluginDirs` whose declared permissions the operator approves. */
  approvedPlugins: string[];
  /** Which plugins that ship with Cairn load from the workspace: all, none, or some by name. */
  builtInPlugins: 'all' | 'none' | string[];
  /** Plugin registries to browse and install from, in order. */
  registries: string[];
  /** ed25519 public keys (base64url) whose signatures make a package installable. */
  trustedKeys: string[];
  /** Folders of signed package files (`*.cairn.tgz` with a `.sig` beside) to install from. */
  packageDirs: string[];
}

/** A comma-separated list; blanks dropped. */
function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function builtIns(raw: string | undefined): 'all' | 'none' | string[] {
  if (!raw || raw === 'all') return 'all';
  if (raw === 'none') return 'none';
  return list(raw);
}

function registry(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError('CAIRN_REGISTRIES', `"${url}" is not an http(s) URL`);
  }
  return url.replace(/\/+$/, '');
}

function trustedKey(key: string): string {
  if (!/^[A-Za-z0-9_-]{43}$/.test(key)) {
    throw new ConfigError(
      'CAIRN_TRUSTED_KEYS',
      `"${key}" is not an ed25519 public key (43 base64url characters)`,
    );
  }
  return key;
}

function initialPassword(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (raw.length < 12)
    throw new ConfigError('CAIRN_INITIAL_ADMIN_PASSWORD', 'must be at least 12 characters long');
  return raw;
}

/** Reads and validates the configuration; throws `ConfigError` naming the variable at fault. */
export function loadConfig(env: Env = process.env): CairnConfig {
  const dataDir = resolve(env.CAIRN_DATA_DIR || './data');
  const logLevel = env.CAIRN_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError('CAIRN_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const adminToken = env.CAIRN_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('CAIRN_ADMIN_TOKEN', 'must be at least 16 characters long');
  }
  const eventTimeoutMs = integer(env, 'CAIRN_EVENT_TIMEOUT_MS', 10_000, 10, 600_000);
  return {
    port: integer(env, 'CAIRN_PORT', 8686, 0, 65535),
    host: env.CAIRN_HOST || '0.0.0.0',
    dataDir,
    databaseUrl: databaseUrl(env, 'CAIRN_DATABASE_URL', dataDir, 'cairn.sqlite'),
    adminToken,
    secretKey: env.CAIRN_SECRET_KEY || undefined,
    auth: {
      sessionHours: integer(env, 'CAIRN_SESSION_HOURS', 12, 1, 24 * 90),
      loginAttempts: integer(env, 'CAIRN_LOGIN_ATTEMPTS', 5, 1, 1000),
      loginWindowMinutes: integer(env, 'CAIRN_LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60),
      initialAdminEmail: (env.CAIRN_INITIAL_ADMIN_EMAIL || 'admin@localhost').toLowerCase(),
      initialAdminPassword: initialPassword(env.CAIRN_INITIAL_ADMIN_PASSWORD),
    },
    maxBodyBytes: byteSize(env, 'CAIRN_MAX_BODY', 1024 * 1024, 64 * 1024 ** 2),
    maxEventsPerRequest: integer(env, 'CAIRN_MAX_EVENTS', 100, 1, 10000),
    writeLanes: integer(env, 'CAIRN_WRITE_LANES', 4, 1, 64),
    maxWriteGroup: integer(env, 'CAIRN_WRITE_GROUP', 64, 1, 1000),
    trustProxy: boolean(env, 'CAIRN_TRUST_PROXY', false),
    logLevel,
    consoleDir: env.CAIRN_CONSOLE_DIR ? resolve(env.CAIRN_CONSOLE_DIR) : undefined,
    liveMaxQueue: integer(env, 'CAIRN_LIVE_MAX_QUEUE', 1000, 1, 1_000_000),
    metricsPort: env.CAIRN_METRICS_PORT ? integer(env, 'CAIRN_METRICS_PORT', 0, 1, 65535) : undefined,
    pluginDirs: list(env.CAIRN_PLUGIN_DIRS).map((dir) => resolve(dir)),
    shutdownGraceMs: integer(env, 'CAIRN_SHUTDOWN_GRACE_MS', 15_000, 0, 600_000),
    sandbox: {
      workers: integer(env, 'CAIRN_SANDBOX_WORKERS', 1, 1, 64),
      memoryMb: integer(env, 'CAIRN_SANDBOX_MEMORY_MB', 64, 8, 4096),
      cpuMs: integer(env, 'CAIRN_SANDBOX_CPU_MS', 1000, 1, 60_000),
      outputBytes: integer(env, 'CAIRN_SANDBOX_OUTPUT_KB', 256, 1, 65_536) * 1024,
      eventTimeoutMs,
      // A request starts no flow later than this less two event time limits after storing the
      // event, so a sweep never takes an event whose flows may still be running.
      pendingAfterMs: integer(
        env,
        'CAIRN_PENDING_AFTER_MS',
        2 * eventTimeoutMs + 60_000,
        2 * eventTimeoutMs + 1,
        86_400_000,
      ),
      maxNodeRuns: integer(env, 'CAIRN_MAX_NODE_RUNS', 1000, 1, 1_000_000),
    },
    httpAllow: list(env.CAIRN_HTTP_ALLOW),
    approvedPlugins: list(env.CAIRN_PLUGIN_APPROVED),
    builtInPlugins: builtIns(env.CAIRN_BUILTIN_PLUGINS),
    registries: list(env.CAIRN_REGISTRIES).map((url) => registry(url)),
    trustedKeys: list(env.CAIRN_TRUSTED_KEYS).map((key) => trustedKey(key)),
    packageDirs: list(env.CAIRN_PLUGIN_PACKAGES).map((dir) => resolve(dir)),
  };
}
