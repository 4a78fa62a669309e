import { defineStore } from 'pinia';
import semver from 'semver';
import { computed, ref, shallowRef } from 'vue';
import { api } from '../api/http';
import type { NodeManifest, Page, PluginManifest, Resource } from '../api/types';

export interface CatalogEntry {
  plugin: PluginManifest;
  node: NodeManifest;
  /** `plugin@version/node`, unique among installed nodes. */
  key: string;
}

const newerThan = (a: string, b: string) => (semver.valid(a) && semver.valid(b) ? semver.gt(a, b) : a > b);

export const entryKey = (plugin: string, version: string, node: string) => `${plugin}@${version}/${node}`;

/** Installed plugin nodes (for the palette and forms) and resources (for the pickers). */
export const useCatalog = defineStore('catalog', () => {
  // Manifests are replaced whole, never changed in place: no deep reactivity (nor its deep types).
  const plugins = shallowRef<PluginManifest[]>([]);
  const resources = ref<Resource[]>([]);
  const loaded = ref(false);
  let pending: Promise<void> | null = null;

  const entries = computed<CatalogEntry[]>(() =>
    plugins.value.flatMap((plugin) =>
      plugin.nodes.map((node) => ({ plugin, node, key: entryKey(plugin.name, plugin.version, node.id) })),
    ),
  );
  const byKey = computed(() => new Map(entries.value.map((e) => [e.key, e])));
  /**
   * What the palette offers: each plugin's newest loaded version. Older versions stay loaded for
   * the nodes and deployed flows that name them, but new nodes use the newest.
   */
  const paletteEntries = computed<CatalogEntry[]>(() => {
    const newest = new Map<string, string>();
    for (const plugin of plugins.value) {
      const known = newest.get(plugin.name);
      if (!known || newerThan(plugin.version, known)) newest.set(plugin.name, plugin.version);
    }
    return entries.value.filter((e) => newest.get(e.plugin.name) === e.plugin.version);
  });

  function find(plugin: string, version: string, node: string): CatalogEntry | undefined {
    return byKey.value.get(entryKey(plugin, version, node));
  }

  /** The node of the newest installed version of a plugin, e.g. for a starter graph. */
  function latest(plugin: string, node: string): CatalogEntry | undefined {
    return paletteEntries.value.find((e) => e.plugin.name === plugin && e.node.id === node);
  }

  async function loadResources(): Promise<void> {
    try {
      resources.value = (await api.get<Page<Resource>>('/api/resources')).items;
    } catch {
      // Users without resources:read build flows too; their pickers fall back to typed ids.
      resources.value = [];
    }
  }

  /** Loads the installed plugins once; `force` reads them again, e.g. after an install. */
  function load(force = false): Promise<void> {
    if (loaded.value && !force && !pending) return Promise.resolve();
    if (pending && !force) return pending;
    // A forced load starts after the one in flight, so its answer is the newest.
    const previous = pending ?? Promise.resolve();
    const mine: Promise<void> = previous
      .catch(() => undefined)
      .then(async () => {
        const [answer] = await Promise.all([api.get<Page<PluginManifest>>('/api/plugins'), loadResources()]);
        plugins.value = answer.items;
        loaded.value = true;
      })
      .finally(() => {
        if (pending === mine) pending = null;
      });
    pending = mine;
    return mine;
  }

  return { plugins, resources, loaded, entries, paletteEntries, find, latest, load, loadResources };
});
