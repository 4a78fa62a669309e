import type { NodeManifest, PluginManifest } from '@cairn/sdk';
import type { NodeRef } from './model.js';

/** The installed plugins, as far as flow validation needs to know them. */
export interface NodeCatalog {
  /** Whether this exact plugin version is installed. */
  hasPlugin(plugin: string, version: string): boolean;
  /** The manifest of one node of an installed plugin version. */
  findNode(ref: NodeRef): NodeManifest | undefined;
}

/** A catalog over plugin manifests held in memory, e.g. the ones the server has loaded. */
export function catalogFromPlugins(plugins: readonly PluginManifest[]): NodeCatalog {
  const byVersion = new Map<string, PluginManifest>();
  for (const plugin of plugins) byVersion.set(`${plugin.name}@${plugin.version}`, plugin);
  return {
    hasPlugin: (plugin, version) => byVersion.has(`${plugin}@${version}`),
    findNode: (ref) =>
      byVersion.get(`${ref.plugin}@${ref.version}`)?.nodes.find((node) => node.id === ref.node),
  };
}
