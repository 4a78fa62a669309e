import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PluginManifest } from '@cairn/sdk';
import { loadBuiltPlugin } from '@cairn/sdk/sandbox';
import type { Logger } from 'pino';
import { catalogFromPlugins, type NodeCatalog } from '../engine/index.js';
import type { PluginBundle } from '../sandbox/protocol.js';

/** Plugins that ship with Cairn, found as installed packages. */
const BUILT_IN = [
  '@cairn/plugin-logic',
  '@cairn/plugin-email',
  '@cairn/plugin-sms',
  '@cairn/plugin-webhook',
  '@cairn/plugin-sentiment',
];

/** Where a built plugin package keeps its bundle and manifest. */
const BUNDLE_DIR = join('dist', 'plugin');

function builtInDirs(logger: Logger): string[] {
  const require = createRequire(import.meta.url);
  const dirs: string[] = [];
  for (const name of BUILT_IN) {
    try {
      const dir = join(dirname(require.resolve(`${name}/package.json`)), BUNDLE_DIR);
      if (existsSync(dir)) dirs.push(dir);
      else logger.warn({ plugin: name, dir }, 'built-in plugin is not built (run npm run build)');
    } catch {
      logger.warn({ plugin: name }, 'built-in plugin package is not installed');
    }
  }
  return dirs;
}

/**
 * The installed plugins: bundles and manifests read from disk without running plugin code.
 * Serves the flow validator (the catalog) and the sandbox workers (the bundles).
 */
export class PluginStore {
  private bundles: PluginBundle[] = [];
  private nodeCatalog: NodeCatalog = catalogFromPlugins([]);

  static async load(extraDirs: readonly string[], logger: Logger): Promise<PluginStore> {
    const store = new PluginStore();
    for (const dir of [...builtInDirs(logger), ...extraDirs]) {
      const plugin = await loadBuiltPlugin(dir);
      store.add({ script: plugin.script, manifest: plugin.manifest });
    }
    return store;
  }

  private add(bundle: PluginBundle): void {
    const key = `${bundle.manifest.name}@${bundle.manifest.version}`;
    this.bundles = [
      ...this.bundles.filter((b) => `${b.manifest.name}@${b.manifest.version}` !== key),
      bundle,
    ];
    this.nodeCatalog = catalogFromPlugins(this.manifests());
  }

  manifests(): PluginManifest[] {
    return this.bundles.map((b) => b.manifest);
  }

  all(): PluginBundle[] {
    return [...this.bundles];
  }

  catalog(): NodeCatalog {
    return this.nodeCatalog;
  }
}
