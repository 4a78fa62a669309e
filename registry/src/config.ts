import { resolve } from 'node:path';
import {
  boolean,
  byteSize,
  ConfigError,
  databaseUrl,
  type Env,
  integer,
  LOG_LEVELS,
} from '@cairn/core/config/env';

export { ConfigError } from '@cairn/core/config/env';

/**
 * Registry configuration, read once from the environment at start and passed down.
 * Every variable is documented in docs/registry.md.
 */
export interface RegistryConfig {
  /** TCP port of the HTTP server. */
  port: number;
  /** Interface the HTTP server binds to. */
  host: string;
  /** Folder of the SQLite file and the content-addressed package store. */
  dataDir: string;
  /** `sqlite:<file>` or `mysql://user:pass@host:port/db`. */
  databaseUrl: string;
  /** Largest package tarball accepted, compressed, in bytes. */
  maxPackageBytes: number;
  /** Largest package content once decompressed, in bytes. */
  maxUnpackedBytes: number;
  /** True: anyone may create a publisher account. False: only with the admin token. */
  openSignup: boolean;
  /** A credential that may create publisher accounts when sign-up is closed. */
  adminToken: string | undefined;
  /** Failed sign-ins allowed per name and address in `loginWindowMinutes`. */
  loginAttempts: number;
  loginWindowMinutes: number;
  /** Lifetime of the token `POST /api/auth/login` returns, in days. */
  loginTokenDays: number;
  /** Trust `X-Forwarded-For` for the client address (only behind a proxy you run). */
  trustProxy: boolean;
  /** pino log level. */
  logLevel: string;
}

/** Reads and validates the configuration; throws `ConfigError` naming the variable at fault. */
export function loadRegistryConfig(env: Env = process.env): RegistryConfig {
  const dataDir = resolve(env.CAIRN_REGISTRY_DATA_DIR || './registry-data');
  const logLevel = env.CAIRN_REGISTRY_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError('CAIRN_REGISTRY_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const adminToken = env.CAIRN_REGISTRY_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('CAIRN_REGISTRY_ADMIN_TOKEN', 'must be at least 16 characters long');
  }
  const maxPackageBytes = byteSize(env, 'CAIRN_REGISTRY_MAX_PACKAGE', 5 * 1024 ** 2, 256 * 1024 ** 2);
  const maxUnpackedBytes = byteSize(env, 'CAIRN_REGISTRY_MAX_UNPACKED', 20 * 1024 ** 2, 1024 ** 3);
  if (maxUnpackedBytes < maxPackageBytes) {
    throw new ConfigError(
      'CAIRN_REGISTRY_MAX_UNPACKED',
      'must not be smaller than CAIRN_REGISTRY_MAX_PACKAGE',
    );
  }
  return {
    port: integer(env, 'CAIRN_REGISTRY_PORT', 8690, 0, 65535),
    host: env.CAIRN_REGISTRY_HOST || '0.0.0.0',
    dataDir,
    databaseUrl: databaseUrl(env, 'CAIRN_REGISTRY_DATABASE_URL', dataDir, 'registry.sqlite'),
    maxPackageBytes,
    maxUnpackedBytes,
    openSignup: boolean(env, 'CAIRN_REGISTRY_OPEN_SIGNUP', true),
    adminToken,
    loginAttempts: integer(env, 'CAIRN_REGISTRY_LOGIN_ATTEMPTS', 5, 1, 1000),
    loginWindowMinutes: integer(env, 'CAIRN_REGISTRY_LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60),
    loginTokenDays: integer(env, 'CAIRN_REGISTRY_LOGIN_TOKEN_DAYS', 30, 1, 365),
    trustProxy: boolean(env, 'CAIRN_REGISTRY_TRUST_PROXY', false),
    logLevel,
  };
}
