import '@koa/bodyparser';
import { errorHandler } from '@cairn/core/http/errors';
import { healthRoutes } from '@cairn/core/http/health';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { RegistryConfig } from './config.js';
import { openApiRoutes } from './http/openapi.js';
import { Catalog } from './packages/catalog.js';
import { VersionLifecycle } from './packages/lifecycle.js';
import { PackagePublisher } from './packages/publish.js';
import { packageRoutes } from './packages/routes.js';
import { Publishers } from './publishers/accounts.js';
import { SigningKeys } from './publishers/keys.js';
import { publisherRoutes } from './publishers/routes.js';
import { PublisherTokens } from './publishers/tokens.js';
import type { Database } from './storage/orm.js';
import type { ContentStore } from './store/content-store.js';

/** JSON bodies (accounts, tokens, keys, deprecations) are small; tarballs are read apart, with their own limit. */
const MAX_JSON_BODY = 64 * 1024;

export interface RegistryDeps {
  config: RegistryConfig;
  db: Database;
  store: ContentStore;
  logger: Logger;
}

/** The registry's HTTP application: a composition of the publisher and package modules. */
export function createRegistryApp({ config, db, store, logger }: RegistryDeps): Koa {
  const app = new Koa({ proxy: config.trustProxy });
  const publishers = new Publishers(db);
  const tokens = new PublisherTokens(db, config.loginTokenDays);
  const keys = new SigningKeys(db);

  app.use(errorHandler(logger));
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: MAX_JSON_BODY, jsonStrict: true });
  // The only PUT is a publish, whose body is a tarball whatever its declared type: it reads it itself.
  app.use((ctx, next) => (ctx.method === 'PUT' ? next() : json(ctx, next)));

  app.use(healthRoutes(db).routes());

  const accounts = publisherRoutes({
    publishers,
    tokens,
    keys,
    logger,
    openSignup: config.openSignup,
    adminToken: config.adminToken,
    loginAttempts: config.loginAttempts,
    loginWindowMinutes: config.loginWindowMinutes,
  });
  app.use(accounts.routes()).use(accounts.allowedMethods());

  const packages = packageRoutes({
    db,
    tokens,
    catalog: new Catalog(db),
    publisher: new PackagePublisher(db, store, keys, {
      maxPackageBytes: config.maxPackageBytes,
      maxUnpackedBytes: config.maxUnpackedBytes,
    }),
    lifecycle: new VersionLifecycle(db),
    store,
    logger,
    maxPackageBytes: config.maxPackageBytes,
  });
  app.use(packages.routes()).use(packages.allowedMethods());
  app.use(openApiRoutes().routes());
  return app;
}
