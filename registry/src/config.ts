import { isAbsolute, join, resolve } from 'node:path';

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

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
};

/** Accepts `5242880`, `512kb`, `5mb`, `5MiB`. */
function byteSize(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d+)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined)
    throw new ConfigError(name, `expected a size such as 5242880, 512kb or 5mb, got "${raw}"`);
  const value = Number(match[1]) * unit;
  if (value < 1024 || value > max)
    throw new ConfigError(name, `must be between 1kb and ${max / 1024 ** 2}mb, got ${value} bytes`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

function databaseUrl(env: Env, dataDir: string): string {
  const name = 'CAIRN_REGISTRY_DATABASE_URL';
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'sqlite:')
    return `sqlite:${join(dataDir, 'registry.sqlite')}`;
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length);
    return `sqlite:${file === ':memory:' || isAbsolute(file) ? file : resolve(file)}`;
  }
  if (/^(mysql|mariadb):\/\//.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError(name, 'is not a valid URL');
    }
    return raw;
  }
  throw new ConfigError(name, 'must start with sqlite: or mysql://');
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
    databaseUrl: databaseUrl(env, dataDir),
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
