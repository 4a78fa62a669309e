import { ApiError } from '@cairn/core/http/errors';
import { validator } from '@cairn/core/http/validation';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { readTarball } from '../http/raw-body.js';
import { requirePublisher } from '../publishers/guard.js';
import type { PublisherTokens } from '../publishers/tokens.js';
import type { Database } from '../storage/orm.js';
import { type ContentStore, hexOfIntegrity } from '../store/content-store.js';
import type { Catalog } from './catalog.js';
import { countDownload, type VersionLifecycle } from './lifecycle.js';
import type { PackagePublisher } from './publish.js';
import {
  DeprecateInputSchema,
  PackageListQuerySchema,
  PackagePageQuerySchema,
  YankInputSchema,
} from './schemas.js';

const validateListQuery = validator(PackageListQuerySchema, 'query');
const validatePageQuery = validator(PackagePageQuerySchema, 'query');
const validateDeprecate = validator(DeprecateInputSchema);
const validateYank = validator(YankInputSchema);

export interface PackageRouteOptions {
  db: Database;
  tokens: PublisherTokens;
  catalog: Catalog;
  publisher: PackagePublisher;
  lifecycle: VersionLifecycle;
  store: ContentStore;
  logger: Logger;
  maxPackageBytes: number;
}

/** The file name `cairn-plugin pack` gives: `acme-plugin-x-1.0.0.cairn.tgz` for `@acme/plugin-x`. */
const fileNameOf = (name: string, version: string) =>
  `${name.replace(/^@/, '').replace('/', '-')}-${version}.cairn.tgz`;

/**
 * `If-None-Match` names this entity tag (weakly compared, as RFC 9110 says for GET). Evaluated
 * whatever `Cache-Control` the request carries: that header speaks to caches, not to the origin.
 */
function holdsAlready(ctx: Context, etag: string): boolean {
  const header = ctx.get('If-None-Match');
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** `/api/packages…`: search, package pages, publish, download, deprecate and yank. */
export function packageRoutes(options: PackageRouteOptions): Router {
  const { db, tokens, catalog, publisher, lifecycle, store, logger } = options;
  const router = new Router({ prefix: '/api/packages' });

  router.get('/', async (ctx) => {
    ctx.body = await catalog.search(validateListQuery({ ...ctx.query }));
  });

  router.get('/:name', async (ctx) => {
    const { cairn } = validatePageQuery({ ...ctx.query });
    ctx.body = await catalog.page(ctx.params.name!, cairn);
  });

  router.put('/:name/:version', async (ctx) => {
    const account = await requirePublisher(ctx, tokens);
    const tarball = await readTarball(ctx, options.maxPackageBytes);
    const published = await publisher.publish({
      publisher: account,
      name: ctx.params.name!,
      version: ctx.params.version!,
      tarball,
      signature: ctx.get('X-Cairn-Signature') || undefined,
      keyId: ctx.get('X-Cairn-Key-Id') || undefined,
    });
    logger.info(
      { publisher: account.name, package: published.name, version: published.version },
      'published',
    );
    ctx.status = 201;
    ctx.body = published;
  });

  router.get('/:name/:version', async (ctx) => {
    ctx.body = await catalog.version(ctx.params.name!, ctx.params.version!);
  });

  router.get('/:name/:version/tarball', async (ctx) => {
    const row = await catalog.versionOrFail(ctx.params.name!, ctx.params.version!);
    const hex = hexOfIntegrity(row.integrity);
    if (!(await store.has(hex)))
      throw new Error(`tarball of ${row.packageName}@${row.version} is missing from the store`);
    const etag = `"${row.integrity}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    // A client that holds these bytes already gets a 304, which is not counted as a download.
    if (holdsAlready(ctx, etag)) {
      ctx.status = 304;
      return;
    }
    // HEAD (which the router answers with this handler) looks, it does not download.
    if (ctx.method === 'GET') await countDownload(db, row.id, row.packageName);
    ctx.set('X-Cairn-Integrity', row.integrity);
    ctx.set('X-Cairn-Signature', row.signature);
    ctx.set('X-Cairn-Key-Id', row.keyId);
    ctx.attachment(fileNameOf(row.packageName, row.version));
    ctx.type = 'application/gzip';
    ctx.length = row.size;
    ctx.body = store.read(hex);
  });

  router.get('/:name/:version/icon', async (ctx) => {
    const row = await catalog.versionOrFail(ctx.params.name!, ctx.params.version!);
    if (!row.iconDigest || !row.iconType) {
      throw new ApiError(404, 'not_found', `${row.packageName}@${row.version} has no icon.`);
    }
    const etag = `"sha512-${Buffer.from(row.iconDigest, 'hex').toString('base64')}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    // An SVG is a document that could carry script: opened directly, it may not run any.
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (holdsAlready(ctx, etag)) {
      ctx.status = 304;
      return;
    }
    ctx.type = row.iconType;
    ctx.body = store.read(row.iconDigest);
  });

  router.post('/:name/:version/deprecate', async (ctx) => {
    const account = await requirePublisher(ctx, tokens);
    const { message } = validateDeprecate(ctx.request.body);
    ctx.body = await lifecycle.deprecate(account, ctx.params.name!, ctx.params.version!, message);
  });

  router.post('/:name/:version/yank', async (ctx) => {
    const account = await requirePublisher(ctx, tokens);
    validateYank(ctx.request.body ?? {});
    ctx.body = await lifecycle.yank(account, ctx.params.name!, ctx.params.version!);
    logger.info({ publisher: account.name, package: ctx.params.name, version: ctx.params.version }, 'yanked');
  });

  return router;
}
