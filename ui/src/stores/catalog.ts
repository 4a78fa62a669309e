import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api } from '../api/http';
import type { NodeManifest, Page, PluginManifest, Resource } from '../api/types';

export interface CatalogEntry {
  plugin: PluginManifest;
  node: NodeManifest;
  /** `plugin@version/node`, unique among installed nodes. */
  key: string;
}

export const entryKey = (plugin: string, version: string, node: string) => `${plugin}@${version}/${node}`;

/** Installed plugin nodes (for the palette and forms) and resources (for the pickers). */
export const useCatalog = defineStore('catalog', () => {
  const plugins = ref<PluginManifest[]>([]);
  const resources = ref<Resource[]>([]);
  const loaded = ref(false);
  let pending: Promise<void> | null = null;

  const entries = computed<CatalogEntry[]>(() =>
    plugins.value.flatMap((plugin) =>
      plugin.nodes.map((node) => ({ plugin, node, key: entryKey(plugin.name, plugin.version, node.id) })),
    ),
  );
  const byKey = computed(() => new Map(entries.value.map((e) => [e.key, e])));

  function find(plugin: string, version: string, node: string): CatalogEntry | undefined {
    return byKey.value.get(entryKey(plugin, version, node));
  }

  /** The node of the newest installed version of a plugin, e.g. for a starter graph. */
  function latest(plugin: string, node: string): CatalogEntry | undefined {
    return entries.value
      .filter((e) => e.plugin.name === plugin && e.node.id === node)
      .sort((a, b) => b.plugin.version.localeCompare(a.plugin.version, undefined, { numeric: true }))[0];
  }

  async function loadResources(): Promise<void> {
    try {
      resources.value = (await api.get<Page<Resource>>('/api/resources')).items;
    } catch {
      // Users without resources:read build flows too; their pickers fall back to typed ids.
      resources.value = [];
    }
  }

  function load(force = false): Promise<void> {
    if (loaded.value && !force) return Promise.resolve();
    pending ??= (async () => {
      try {
        const [answer] = await Promise.all([api.get<Page<PluginManifest>>('/api/plugins'), loadResources()]);
        plugins.value = answer.items;
        loaded.value = true;
      } finally {
        pending = null;
      }
    })();
    return pending;
  }

  return { plugins, resources, loaded, entries, find, latest, load, loadResources };
});
