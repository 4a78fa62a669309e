import { ApiError } from '@cairn/core/http/errors';
import semver from 'semver';
import {
  type Package,
  PackageSchema,
  type PackageVersion,
  PackageVersionSchema,
  PublisherSchema,
  SigningKeySchema,
} from '../storage/entities.js';
import type { Database } from '../storage/orm.js';
import { bySemverDescending, latestOf } from './names.js';
import type {
  PackageList,
  PackageListQuery,
  PackagePage,
  PackageSummary,
  VersionDetail,
  VersionSummary,
} from './schemas.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** `/api/packages/%40acme%2Fplugin-x/1.0.0`: a scoped name is one path segment. */
export const versionPath = (name: string, version: string) =>
  `/api/packages/${encodeURIComponent(name)}/${encodeURIComponent(version)}`;

const iconPath = (row: Pick<PackageVersion, 'packageName' | 'version' | 'iconDigest'> | null) =>
  row?.iconDigest ? `${versionPath(row.packageName, row.version)}/icon` : null;

type Sort = 'downloads' | 'date';

/** Where the previous page ended, in the listing's order: (downloads desc | updated desc), name asc. */
interface Position {
  sort: Sort;
  value: number;
  name: string;
}

/** Opaque to clients: base64url of `[sort, downloads or epoch milliseconds, name]`. */
function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.name])).toString('base64url');
}

function decodeCursor(sort: Sort, cursor: string): Position {
  const refuse = () =>
    new ApiError(
      422,
      'validation_failed',
      'cursor is not a cursor of this listing: pass the nextCursor of the previous page unchanged, with the same sort.',
      'cursor',
    );
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw refuse();
  const [tag, value, name] = decoded as unknown[];
  if (tag !== sort || !Number.isSafeInteger(value) || typeof name !== 'string' || name.length > 214)
    throw refuse();
  return { sort, value: value as number, name };
}

function limitOf(raw: string | undefined): number {
  const limit = raw === undefined ? DEFAULT_LIMIT : Number(raw);
  if (limit < 1 || limit > MAX_LIMIT) {
    throw new ApiError(422, 'validation_failed', `limit must be between 1 and ${MAX_LIMIT}.`, 'limit');
  }
  return limit;
}

/** Search terms: lower-cased words, at most ten. */
const termsOf = (q: string | undefined) => (q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 10);

/** The read side of the registry: searches, package pages and version details. */
export class Catalog {
  constructor(private readonly db: Database) {}

  /**
   * Packages with an installable version, filtered by words and category, most downloaded or most
   * recently published first, in pages. A package's position moves when its downloads or its
   * publish time change, so a client paging through a changing listing may see it twice or miss it.
   */
  async search(query: PackageListQuery): Promise<PackageList> {
    const sort: Sort = query.sort ?? 'downloads';
    const limit = limitOf(query.limit);
    const em = this.db.em();
    const qb = em
      .createQueryBuilder(PackageSchema, 'p')
      .select('*')
      .where({ latestVersion: { $ne: null } });
    for (const term of termsOf(query.q)) qb.andWhere('instr(p.search_text, ?) > 0', [term]);
    if (query.category !== undefined) {
      qb.andWhere(
        'exists (select 1 from package_category c where c.package_name = p.name and c.category = ?)',
        [query.category],
      );
    }
    if (query.cursor !== undefined) {
      const after = decodeCursor(sort, query.cursor);
      if (sort === 'downloads') {
        qb.andWhere({
          $or: [{ downloads: { $lt: after.value } }, { downloads: after.value, name: { $gt: after.name } }],
        });
      } else {
        const at = new Date(after.value);
        qb.andWhere({ $or: [{ updatedAt: { $lt: at } }, { updatedAt: at, name: { $gt: after.name } }] });
      }
    }
    qb.orderBy(
      sort === 'downloads' ? { downloads: 'desc', name: 'asc' } : { updatedAt: 'desc', name: 'asc' },
    );
    qb.limit(limit + 1);
    const rows: Package[] = await qb.getResultList();
    const page = rows.slice(0, limit);
    const summaries = await this.summaries(page);
    const last = page[page.length - 1];
    return {
      items: summaries,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({
              sort,
              value: sort === 'downloads' ? last.downloads : last.updatedAt.getTime(),
              name: last.name,
            })
          : null,
    };
  }

  private async summaries(packages: Package[]): Promise<PackageSummary[]> {
    if (packages.length === 0) return [];
    const em = this.db.em();
    const [publishers, latest] = await Promise.all([
      em.find(PublisherSchema, { id: { $in: [...new Set(packages.map((p) => p.publisherId))] } }),
      em.find(
        PackageVersionSchema,
        { $or: packages.map((p) => ({ packageName: p.name, version: p.latestVersion! })) },
        { fields: ['packageName', 'version', 'cairn', 'deprecated', 'iconDigest'] },
      ),
    ]);
    const publisherName = new Map(publishers.map((p) => [p.id, p.name]));
    const latestOf = new Map(latest.map((v) => [v.packageName, v]));
    return packages.map((pkg) => {
      const version = latestOf.get(pkg.name);
      return {
        name: pkg.name,
        latest: pkg.latestVersion!,
        title: pkg.title,
        description: pkg.description,
        categories: pkg.categories,
        publisher: publisherName.get(pkg.publisherId) ?? '',
        downloads: pkg.downloads,
        updatedAt: pkg.updatedAt.toISOString(),
        cairn: version?.cairn ?? '',
        deprecated: version?.deprecated ?? null,
        icon: iconPath(version ?? null),
      };
    });
  }

  async packageOrFail(name: string): Promise<Package> {
    const pkg = await this.db.em().findOne(PackageSchema, { name });
    if (!pkg) throw new ApiError(404, 'not_found', `No package is named "${name}".`);
    return pkg;
  }

  async versionOrFail(name: string, version: string): Promise<PackageVersion> {
    const row = await this.db.em().findOne(PackageVersionSchema, { packageName: name, version });
    if (!row) throw new ApiError(404, 'not_found', `${name}@${version} does not exist.`);
    return row;
  }

  /**
   * The package page: every version, and the manifest and README of the latest. With a Cairn API
   * version, each version says whether it fits it and `latestCompatible` names the one to install.
   */
  async page(name: string, cairnVersion?: string): Promise<PackagePage> {
    if (cairnVersion !== undefined && semver.valid(cairnVersion) === null) {
      throw new ApiError(422, 'validation_failed', 'cairn must be a version such as 0.1.0.', 'cairn');
    }
    const pkg = await this.packageOrFail(name);
    const em = this.db.em();
    const [publisher, rows] = await Promise.all([
      em.findOne(PublisherSchema, { id: pkg.publisherId }),
      em.find(
        PackageVersionSchema,
        { packageName: name },
        { fields: ['version', 'publishedAt', 'deprecated', 'yankedAt', 'cairn'] },
      ),
    ]);
    rows.sort((a, b) => bySemverDescending(a.version, b.version));
    const versions: VersionSummary[] = rows.map((row) => ({
      version: row.version,
      publishedAt: row.publishedAt.toISOString(),
      deprecated: row.deprecated ?? null,
      yanked: row.yankedAt !== null,
      cairn: row.cairn,
      ...(cairnVersion !== undefined
        ? { compatible: semver.satisfies(cairnVersion, row.cairn, { includePrerelease: true }) }
        : {}),
    }));
    const latest = pkg.latestVersion
      ? await em.findOne(
          PackageVersionSchema,
          { packageName: name, version: pkg.latestVersion },
          { fields: ['packageName', 'version', 'manifest', 'readme', 'iconDigest'] },
        )
      : null;
    return {
      name: pkg.name,
      publisher: publisher?.name ?? '',
      title: pkg.title,
      description: pkg.description,
      categories: pkg.categories,
      latest: pkg.latestVersion ?? null,
      ...(cairnVersion !== undefined ? { latestCompatible: latestCompatible(versions) } : {}),
      versions,
      manifest: latest?.manifest ?? null,
      readme: latest?.readme ?? null,
      downloads: pkg.downloads,
      createdAt: pkg.createdAt.toISOString(),
      updatedAt: pkg.updatedAt.toISOString(),
      icon: iconPath(latest),
    };
  }

  /** Everything about one version, yanked or not, including the key that signed it. */
  async version(name: string, version: string): Promise<VersionDetail> {
    const row = await this.versionOrFail(name, version);
    const em = this.db.em();
    const [key, publisher] = await Promise.all([
      em.findOne(SigningKeySchema, { keyId: row.keyId }),
      em.findOne(PublisherSchema, { id: row.publisherId }),
    ]);
    return {
      name: row.packageName,
      version: row.version,
      integrity: row.integrity,
      size: row.size,
      signature: row.signature,
      keyId: row.keyId,
      publicKey: key?.publicKey ?? '',
      publisher: publisher?.name ?? '',
      manifest: row.manifest,
      readme: row.readme,
      license: row.license,
      cairn: row.cairn,
      deprecated: row.deprecated ?? null,
      yanked: row.yankedAt !== null,
      yankedAt: row.yankedAt?.toISOString() ?? null,
      publishedAt: row.publishedAt.toISOString(),
      downloads: row.downloads,
      tarball: `${versionPath(row.packageName, row.version)}/tarball`,
      icon: iconPath(row),
    };
  }
}

/** The version `latest` would be if only the compatible versions existed. */
const latestCompatible = (versions: VersionSummary[]) =>
  latestOf(versions.filter((v) => v.compatible)) ?? null;
