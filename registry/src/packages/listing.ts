import type { PluginManifest } from '@cairn/sdk';
import { LockMode } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import {
  type Package,
  PackageCategorySchema,
  PackageSchema,
  PackageVersionSchema,
} from '../storage/entities.js';
import type { Dialect } from '../storage/orm.js';
import { latestOf } from './names.js';

/** The distinct node categories of a manifest, in first-seen order. */
export const categoriesOf = (manifest: PluginManifest) => [...new Set(manifest.nodes.map((n) => n.category))];

/** What `q` searches: name, title, description, categories and node titles, lower-cased. */
export function searchTextOf(manifest: PluginManifest): string {
  return [
    manifest.name,
    manifest.title,
    manifest.description,
    ...categoriesOf(manifest),
    ...manifest.nodes.map((node) => node.title),
  ]
    .join('\n')
    .toLowerCase();
}

/** The package row, locked against concurrent publishes and yanks on MySQL (SQLite has one writer). */
export function lockPackage(em: SqlEntityManager, dialect: Dialect, name: string): Promise<Package | null> {
  return em.findOne(
    PackageSchema,
    { name },
    dialect === 'mysql' ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {},
  );
}

/**
 * Recomputes what listings show of a package from its versions: the latest version, and its title,
 * description and categories. A package whose versions are all yanked keeps its last texts but has
 * no latest version, which hides it from searches.
 */
export async function refreshListing(em: SqlEntityManager, pkg: Package): Promise<void> {
  const versions = await em.find(
    PackageVersionSchema,
    { packageName: pkg.name },
    { fields: ['version', 'yankedAt'] },
  );
  const latest = latestOf(versions.map((v) => ({ version: v.version, yanked: v.yankedAt !== null })));
  pkg.latestVersion = latest ?? null;
  if (latest === undefined) return;
  const row = await em.findOneOrFail(PackageVersionSchema, { packageName: pkg.name, version: latest });
  const categories = categoriesOf(row.manifest);
  pkg.title = row.manifest.title;
  pkg.description = row.manifest.description;
  pkg.categories = categories;
  pkg.searchText = searchTextOf(row.manifest);
  await em.nativeDelete(PackageCategorySchema, { packageName: pkg.name });
  for (const category of categories) em.create(PackageCategorySchema, { packageName: pkg.name, category });
}
