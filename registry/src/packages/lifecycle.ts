import { ApiError } from '@cairn/core/http/errors';
import { writeTransaction } from '@cairn/core/storage/transaction';
import { raw } from '@mikro-orm/core';
import {
  PackageSchema,
  type PackageVersion,
  PackageVersionSchema,
  type Publisher,
} from '../storage/entities.js';
import type { Database } from '../storage/orm.js';
import { lockPackage, refreshListing } from './listing.js';
import type { VersionState } from './schemas.js';

/**
 * What an owner may do to a published version: deprecate it (a message shown to everyone who
 * looks at or installs it) and yank it (no longer `latest`, still downloadable by exact version so
 * that existing installs keep working; a yank is final, and the version number stays used).
 */
export class VersionLifecycle {
  constructor(private readonly db: Database) {}

  async deprecate(
    publisher: Publisher,
    name: string,
    version: string,
    message: string | null,
  ): Promise<VersionState> {
    return this.change(publisher, name, version, (row) => {
      row.deprecated = message;
    });
  }

  async yank(publisher: Publisher, name: string, version: string): Promise<VersionState> {
    return this.change(publisher, name, version, (row) => {
      row.yankedAt ??= new Date();
    });
  }

  private change(
    publisher: Publisher,
    name: string,
    version: string,
    apply: (row: PackageVersion) => void,
  ): Promise<VersionState> {
    return writeTransaction(this.db, async (em) => {
      const pkg = await lockPackage(em, this.db.dialect, name);
      const row = pkg ? await em.findOne(PackageVersionSchema, { packageName: name, version }) : null;
      if (!pkg || !row) throw new ApiError(404, 'not_found', `${name}@${version} does not exist.`);
      if (pkg.publisherId !== publisher.id) {
        throw new ApiError(403, 'not_owner', `Only the publisher of ${name} may change its versions.`);
      }
      apply(row);
      await refreshListing(em, pkg);
      await em.flush();
      return {
        name,
        version,
        deprecated: row.deprecated ?? null,
        yanked: row.yankedAt !== null,
        yankedAt: row.yankedAt?.toISOString() ?? null,
        latest: pkg.latestVersion ?? null,
      };
    });
  }
}

/** Counts a tarball download of a version and of its package, atomically in the database. */
export async function countDownload(db: Database, versionId: string, name: string): Promise<void> {
  await writeTransaction(db, async (em) => {
    await em.nativeUpdate(PackageVersionSchema, { id: versionId }, { downloads: raw('downloads + 1') });
    await em.nativeUpdate(PackageSchema, { name }, { downloads: raw('downloads + 1') });
  });
}
