import { PLUGIN_API_VERSION, type PluginManifest } from '@cairn/sdk';
import { validatePluginManifest } from '@cairn/sdk/manifest';
import Router from '@koa/router';
import { type Static, Type } from '@sinclair/typebox';
import semver from 'semver';
import type { AuditLog } from '../audit/audit.js';
import { actorOf } from '../audit/audit.js';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import { type PluginInstaller, permissionSummary } from './installer.js';
import { RegistrySource } from './sources.js';
import type { PluginStore } from './store.js';

export const InstallInputSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 191,
      pattern: '^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*$',
    }),
    /** Default: the newest version the source offers. */
    version: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** A configured registry URL or `local:<folder>`. */
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    /** The `approve` value of the first answer, once an admin reviewed the permissions. */
    approve: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);
export type InstallInput = Static<typeof InstallInputSchema>;

export const MarketplaceQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    sort: Type.Optional(Type.Union([Type.Literal('downloads'), Type.Literal('date')])),
    registry: Type.Optional(Type.String({ maxLength: 512 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

const validateInstall = validator(InstallInputSchema);
const validateMarketplace = validator(MarketplaceQuerySchema, 'query');

/** `/api/plugins/install`, uninstall, the installed list and `/api/marketplace` (registries, proxied). */
export function pluginAdminRoutes(installer: PluginInstaller, store: PluginStore, audit: AuditLog): Router {
  const router = new Router({ prefix: '/api' });

  const registry = (given?: string): RegistrySource => {
    const ids = installer.sourceIds().filter((id) => !id.startsWith('local:'));
    const id = given ?? ids[0];
    if (!id || !ids.includes(id)) {
      throw given
        ? new ApiError(422, 'validation_failed', `"${given}" is not a configured registry.`, 'registry')
        : new ApiError(409, 'no_registry', 'No plugin registry is configured (CAIRN_REGISTRIES).');
    }
    return new RegistrySource(id);
  };
  const installedVersions = (name: string) =>
    store
      .listed()
      .filter((p) => p.name === name)
      .map((p) => ({ version: p.version, origin: p.origin }));

  router.post('/plugins/install', async (ctx) => {
    const input = validateInstall(ctx.request.body);
    const outcome = await installer.install(input, actorOf(ctx));
    ctx.status = outcome.status === 'installed' ? 201 : 200;
    ctx.body = outcome;
    if (outcome.status === 'installed') {
      await audit.record(ctx, {
        action: 'install',
        objectType: 'plugin',
        objectId: `${outcome.name}@${outcome.version}`,
        after: outcome,
      });
    }
  });

  router.get('/plugins/installed', async (ctx) => {
    ctx.body = {
      items: (await installer.list()).map((row) => ({
        name: row.name,
        version: row.version,
        integrity: row.integrity,
        keyId: row.keyId,
        source: row.source,
        permissions: row.permissions,
        approvedBy: row.approvedBy,
        installedAt: row.installedAt.toISOString(),
      })),
      sources: installer.sourceIds(),
    };
  });

  router.get('/plugins/:name/:version/usage', async (ctx) => {
    ctx.body = { flows: await installer.usedBy(ctx.params.name!, ctx.params.version!) };
  });

  router.delete('/plugins/:name/:version', async (ctx) => {
    const row = await installer.uninstall(ctx.params.name!, ctx.params.version!, actorOf(ctx));
    ctx.status = 204;
    await audit.record(ctx, {
      action: 'uninstall',
      objectType: 'plugin',
      objectId: `${row.name}@${row.version}`,
      before: { name: row.name, version: row.version, integrity: row.integrity, source: row.source },
    });
  });

  router.get('/marketplace', async (ctx) => {
    const query = validateMarketplace({ ...ctx.query });
    const source = registry(query.registry);
    const params = new URLSearchParams();
    for (const key of ['q', 'category', 'sort', 'cursor'] as const)
      if (query[key]) params.set(key, query[key]!);
    const page = await source.json<{ items: { name: string }[]; nextCursor: string | null }>(
      `/api/packages?${params}`,
    );
    ctx.body = {
      registry: source.id,
      items: (page?.items ?? []).map((item) => ({ ...item, installed: installedVersions(item.name) })),
      nextCursor: page?.nextCursor ?? null,
    };
  });

  router.get('/marketplace/:name', async (ctx) => {
    const query = validateMarketplace({ ...ctx.query });
    const source = registry(query.registry);
    const page = await source.json<{ manifest?: PluginManifest; latest?: string | null }>(
      // The registry marks each version compatible or not with this server's plugin API.
      `/api/packages/${encodeURIComponent(ctx.params.name!)}?cairn=${PLUGIN_API_VERSION}`,
    );
    if (!page) throw new ApiError(404, 'not_found', `${source.id} has no package "${ctx.params.name}".`);
    // The registry's word is not trusted: only a valid manifest is summarised.
    const manifest =
      page.manifest && validatePluginManifest(page.manifest).length === 0 ? page.manifest : undefined;
    ctx.body = {
      registry: source.id,
      ...page,
      installed: installedVersions(ctx.params.name!),
      apiVersion: PLUGIN_API_VERSION,
      compatible: manifest
        ? semver.satisfies(PLUGIN_API_VERSION, manifest.cairn, { includePrerelease: true })
        : null,
      permissions: manifest ? permissionSummary(manifest) : null,
    };
  });

  return router;
}
