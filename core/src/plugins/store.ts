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

/** `built-in`: ships with Cairn; `directory`: a built folder in CAIRN_PLUGIN_DIRS; `installed`: a signed package. */
export type PluginOrigin = 'built-in' | 'directory' | 'installed';

/** Where a built plugin package keeps its bundle and manifest. */
const BUNDLE_DIR = join('dist', 'plugin');

function builtInDirs(which: 'all' | 'none' | string[], logger: Logger): string[] {
  const require = createRequire(import.meta.url);
  const dirs: string[] = [];
  const names =
    which === 'all' ? BUILT_IN : which === 'none' ? [] : BUILT_IN.filter((n) => which.includes(n));
  for (const name of names) {
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
  /** Where each loaded version came from. */
  private readonly origins = new Map<string, PluginOrigin>();
  private nodeCatalog: NodeCatalog = catalogFromPlugins([]);

  /** Plugin versions whose permissions hold: the built-in ones, and those the operator approved. */
  private readonly approved = new Set<string>();

  static async load(
    options: {
      builtIns?: 'all' | 'none' | string[];
      extraDirs: readonly string[];
      approved: readonly string[];
    },
    logger: Logger,
  ): Promise<PluginStore> {
    const store = new PluginStore();
    for (const dir of builtInDirs(options.builtIns ?? 'all', logger)) {
      const plugin = await loadBuiltPlugin(dir);
      store.add({ script: plugin.script, manifest: plugin.manifest }, 'built-in');
      store.approved.add(`${plugin.manifest.name}@${plugin.manifest.version}`);
    }
    for (const dir of options.extraDirs) {
      const plugin = await loadBuiltPlugin(dir);
      store.add({ script: plugin.script, manifest: plugin.manifest }, 'directory');
    }
    const approved = options.approved;
    for (const key of approved) store.approved.add(key);
    return store;
  }

  /**
   * Whether the operator approved what this plugin version's nodes ask for (network hosts,
   * e-mail, resource types). Built-in plugins are; others only when listed in
   * `CAIRN_PLUGIN_APPROVED`. Capability calls of unapproved plugins are refused.
   */
  isApproved(pluginKey: string): boolean {
    return this.approved.has(pluginKey);
  }

  /** Adds a version installed from a signed package, its permissions approved by an admin. */
  install(bundle: PluginBundle): void {
    this.add(bundle, 'installed');
    this.approved.add(`${bundle.manifest.name}@${bundle.manifest.version}`);
  }

  /** Drops an installed version. */
  uninstall(name: string, version: string): void {
    const key = `${name}@${version}`;
    this.bundles = this.bundles.filter((b) => `${b.manifest.name}@${b.manifest.version}` !== key);
    this.origins.delete(key);
    this.approved.delete(key);
    this.nodeCatalog = catalogFromPlugins(this.manifests());
  }

  has(name: string, version: string): boolean {
    return this.origins.has(`${name}@${version}`);
  }

  originOf(name: string, version: string): PluginOrigin | undefined {
    return this.origins.get(`${name}@${version}`);
  }

  private add(bundle: PluginBundle, origin: PluginOrigin): void {
    const key = `${bundle.manifest.name}@${bundle.manifest.version}`;
    this.origins.set(key, origin);
    this.bundles = [
      ...this.bundles.filter((b) => `${b.manifest.name}@${b.manifest.version}` !== key),
      bundle,
    ];
    this.nodeCatalog = catalogFromPlugins(this.manifests());
  }

  manifests(): PluginManifest[] {
    return this.bundles.map((b) => b.manifest);
  }

  /** Manifests with whether their permissions are approved, for the API. */
  listed(): (PluginManifest & { approved: boolean; origin: PluginOrigin })[] {
    return this.bundles.map((b) => ({
      ...b.manifest,
      approved: this.isApproved(`${b.manifest.name}@${b.manifest.version}`),
      origin: this.origins.get(`${b.manifest.name}@${b.manifest.version}`)!,
    }));
  }

  all(): PluginBundle[] {
    return [...this.bundles];
  }

  catalog(): NodeCatalog {
    return this.nodeCatalog;
  }
}
