import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where the CLI keeps the author's signing key and registry tokens: `CAIRN_PLUGIN_HOME` or `~/.cairn-plugin`. */
export function pluginHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CAIRN_PLUGIN_HOME || join(homedir(), '.cairn-plugin');
}

export const defaultKeyPath = (env?: NodeJS.ProcessEnv) => join(pluginHome(env), 'signing-key.pem');
const credentialsPath = (env?: NodeJS.ProcessEnv) => join(pluginHome(env), 'credentials.json');

interface Credentials {
  registries: Record<string, { token: string; publisher: string }>;
}

async function readCredentials(env?: NodeJS.ProcessEnv): Promise<Credentials> {
  try {
    return JSON.parse(await readFile(credentialsPath(env), 'utf8')) as Credentials;
  } catch {
    return { registries: {} };
  }
}

/** Writes a file only its owner can read. */
export async function writePrivate(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}

export async function saveToken(registry: string, publisher: string, token: string, env?: NodeJS.ProcessEnv) {
  const credentials = await readCredentials(env);
  credentials.registries[registry] = { token, publisher };
  await writePrivate(credentialsPath(env), `${JSON.stringify(credentials, null, 2)}\n`);
}

export async function tokenFor(registry: string, env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  return (await readCredentials(env)).registries[registry]?.token;
}
