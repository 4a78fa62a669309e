import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePluginManifest } from '../manifest/validate.js';
import type { LoadedPlugin } from './plugin-sandbox.js';

/** File names inside a built plugin directory. */
export const PLUGIN_SCRIPT_FILE = 'plugin.js';
export const PLUGIN_MANIFEST_FILE = 'manifest.json';

/** Read a directory written by `buildPlugin` and validate its manifest; plugin code is not run. */
export async function loadBuiltPlugin(dir: string): Promise<LoadedPlugin> {
  const [script, manifestText] = await Promise.all([
    readFile(join(dir, PLUGIN_SCRIPT_FILE), 'utf8'),
    readFile(join(dir, PLUGIN_MANIFEST_FILE), 'utf8'),
  ]);
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch (error) {
    throw new Error(`${join(dir, PLUGIN_MANIFEST_FILE)} is not JSON: ${(error as Error).message}`);
  }
  return { script, manifest: parsePluginManifest(manifest, `invalid manifest in ${dir}`) };
}
