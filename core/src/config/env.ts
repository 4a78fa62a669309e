import { isAbsolute, join, resolve } from 'node:path';

/**
 * Readers for `CAIRN_*` environment variables, shared by the server and the registry: each
 * validates its variable and throws a `ConfigError` naming it.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
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

/** Accepts `1048576`, `512kb`, `1mb`, `1MiB`; between 1 KB and `max` bytes. */
export function byteSize(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d+)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined)
    throw new ConfigError(name, `expected a size such as 1048576, 512kb or 1mb, got "${raw}"`);
  const value = Number(match[1]) * unit;
  if (value < 1024 || value > max)
    throw new ConfigError(name, `must be between 1kb and ${max / 1024 ** 2}mb, got ${value} bytes`);
  return value;
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

/** `sqlite:<file>` (default: `defaultFile` in `dataDir`) or a `mysql://` / `mariadb://` URL. */
export function databaseUrl(env: Env, name: string, dataDir: string, defaultFile: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'sqlite:') return `sqlite:${join(dataDir, defaultFile)}`;
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
