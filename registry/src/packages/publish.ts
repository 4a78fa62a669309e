import { ApiError } from '@cairn/core/http/errors';
import { writeTransaction } from '@cairn/core/storage/transaction';
import {
  integrityOf,
  PackageError,
  type PluginPackage,
  readPluginPackage,
  verifyPackageSignature,
} from '@cairn/sdk/package';
import { v7 as uuidv7 } from 'uuid';
import type { SigningKeys } from '../publishers/keys.js';
import {
  type Package,
  PackageSchema,
  PackageVersionSchema,
  type Publisher,
  PublisherSchema,
} from '../storage/entities.js';
import type { Database } from '../storage/orm.js';
import type { ContentStore } from '../store/content-store.js';
import { lockPackage, refreshListing } from './listing.js';
import { checkPackageName, checkVersion, scopeOf } from './names.js';
import type { Published } from './schemas.js';

export interface PublishLimits {
  /** Largest tarball, compressed. */
  maxPackageBytes: number;
  /** Largest content once decompressed. */
  maxUnpackedBytes: number;
}

/** Largest README or LICENSE kept in the database. */
const MAX_TEXT_BYTES = 1024 * 1024;
const MAX_ICON_BYTES = 256 * 1024;
const MAX_CATEGORY_LENGTH = 64;
const MAX_RANGE_LENGTH = 191;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PublishRequest {
  publisher: Publisher;
  /** Name and version from the URL; the manifest must say the same. */
  name: string;
  version: string;
  tarball: Buffer;
  /** `X-Cairn-Signature` and `X-Cairn-Key-Id`. */
  signature: string | undefined;
  keyId: string | undefined;
}

/** Refuses a name the publisher may not publish: someone else's scope or someone else's package. */
function checkOwnership(publisher: Publisher, name: string, existing: Package | null, owner: () => string) {
  const scope = scopeOf(name);
  if (scope !== undefined && scope !== publisher.name) {
    throw new ApiError(
      403,
      'scope_not_owned',
      `The scope @${scope} belongs to the publisher "${scope}"; publish under @${publisher.name}/ instead.`,
      'name',
    );
  }
  if (existing && existing.publisherId !== publisher.id) {
    throw new ApiError(
      403,
      'name_taken',
      `The package "${name}" belongs to the publisher "${owner()}".`,
      'name',
    );
  }
}

const versionExists = (name: string, version: string) =>
  new ApiError(
    409,
    'version_exists',
    `${name}@${version} is already published; a version is never replaced, even after it is yanked. Publish a new version.`,
    'version',
  );

function packageRefusal(error: PackageError): ApiError {
  if (error.code === 'package_too_large')
    return new ApiError(413, 'package_too_large', error.message, error.path);
  return new ApiError(422, error.code, error.message, error.path);
}

/** Checks the registry adds to the SDK's: what the database columns and the icon route can hold. */
function checkContents(contents: PluginPackage): void {
  contents.manifest.nodes.forEach((node, index) => {
    if (node.category.length > MAX_CATEGORY_LENGTH) {
      throw new ApiError(
        422,
        'invalid_manifest',
        `A category has at most ${MAX_CATEGORY_LENGTH} characters.`,
        `nodes[${index}].category`,
      );
    }
  });
  if (contents.manifest.cairn.length > MAX_RANGE_LENGTH) {
    throw new ApiError(422, 'invalid_manifest', `cairn has at most ${MAX_RANGE_LENGTH} characters.`, 'cairn');
  }
  for (const [file, text] of [
    ['package/README.md', contents.readme],
    ['package/LICENSE', contents.license],
  ] as const) {
    if (Buffer.byteLength(text) > MAX_TEXT_BYTES) {
      throw new ApiError(422, 'file_too_large', `${file} is larger than ${MAX_TEXT_BYTES} bytes.`, file);
    }
  }
  const icon = contents.icon;
  if (!icon) return;
  const file = `package/${icon.name}`;
  if (icon.data.length > MAX_ICON_BYTES) {
    throw new ApiError(422, 'file_too_large', `${file} is larger than ${MAX_ICON_BYTES} bytes.`, file);
  }
  const looksRight =
    icon.name === 'icon.png'
      ? icon.data.subarray(0, PNG_MAGIC.length).equals(PNG_MAGIC)
      : /<svg[\s>]/.test(icon.data.toString('utf8'));
  if (!looksRight) {
    throw new ApiError(
      422,
      'bad_icon',
      `${file} is not ${icon.name === 'icon.png' ? 'a PNG' : 'an SVG'} image.`,
      file,
    );
  }
}

/**
 * Publishing a version. Every check refuses with its own code, cheapest first: the name and
 * version, ownership of the name, an existing version, the signing key, the signature over the
 * exact bytes received, then the package contents (read only once the signature holds). The
 * ownership and existence checks run again inside the transaction that records the version, so two
 * racing publishes cannot both win.
 */
export class PackagePublisher {
  constructor(
    private readonly db: Database,
    private readonly store: ContentStore,
    private readonly keys: SigningKeys,
    private readonly limits: PublishLimits,
  ) {}

  async publish(request: PublishRequest): Promise<Published> {
    const { publisher, name, version, tarball } = request;
    checkPackageName(name);
    checkVersion(version);
    if (!request.signature) {
      throw new ApiError(
        422,
        'signature_missing',
        'Send the base64 ed25519 signature of the tarball in X-Cairn-Signature.',
        'X-Cairn-Signature',
      );
    }
    if (!request.keyId) {
      throw new ApiError(
        422,
        'signature_missing',
        'Send the id of the key that signed the tarball in X-Cairn-Key-Id.',
        'X-Cairn-Key-Id',
      );
    }
    await this.precheck(publisher, name, version);
    const key = await this.keys.forSigning(publisher, request.keyId);
    if (!verifyPackageSignature(tarball, request.signature, key.publicKey)) {
      throw new ApiError(
        422,
        'invalid_signature',
        `X-Cairn-Signature is not a signature of these bytes by key ${key.keyId}.`,
        'X-Cairn-Signature',
      );
    }
    let contents: PluginPackage;
    try {
      contents = await readPluginPackage(tarball, this.limits);
    } catch (error) {
      if (error instanceof PackageError) throw packageRefusal(error);
      throw error;
    }
    for (const field of ['name', 'version'] as const) {
      const inManifest = contents.manifest[field];
      const inUrl = field === 'name' ? name : version;
      if (inManifest !== inUrl) {
        throw new ApiError(
          422,
          'manifest_mismatch',
          `The manifest's ${field} is "${inManifest}" but the URL publishes "${inUrl}".`,
          field,
        );
      }
    }
    checkContents(contents);

    // Stored before the row that points at them; bytes left behind by a refused race are harmless.
    const integrity = integrityOf(tarball);
    await this.store.put(tarball);
    const iconDigest = contents.icon ? await this.store.put(contents.icon.data) : null;

    const publishedAt = new Date();
    const latest = await writeTransaction(this.db, async (em) => {
      const pkg = await lockPackage(em, this.db.dialect, name);
      checkOwnership(publisher, name, pkg, () => 'another publisher');
      if (pkg && (await em.count(PackageVersionSchema, { packageName: name, version }))) {
        throw versionExists(name, version);
      }
      const row =
        pkg ??
        em.create(PackageSchema, {
          name,
          publisherId: publisher.id,
          latestVersion: null,
          title: contents.manifest.title,
          description: contents.manifest.description,
          categories: [],
          searchText: '',
          downloads: 0,
          createdAt: publishedAt,
          updatedAt: publishedAt,
        });
      row.updatedAt = publishedAt;
      em.create(PackageVersionSchema, {
        id: uuidv7(),
        packageName: name,
        version,
        integrity,
        size: tarball.length,
        signature: request.signature!,
        keyId: key.keyId,
        publisherId: publisher.id,
        manifest: contents.manifest,
        cairn: contents.manifest.cairn,
        readme: contents.readme,
        license: contents.license,
        iconDigest,
        iconType: contents.icon ? (contents.icon.name === 'icon.svg' ? 'image/svg+xml' : 'image/png') : null,
        deprecated: null,
        yankedAt: null,
        downloads: 0,
        publishedAt,
      });
      await em.flush();
      await refreshListing(em, row);
      await em.flush();
      return row.latestVersion ?? null;
    });
    return {
      name,
      version,
      integrity,
      size: tarball.length,
      keyId: key.keyId,
      publishedAt: publishedAt.toISOString(),
      latest,
    };
  }

  /** Refuses early, before the signature and contents are examined. */
  private async precheck(publisher: Publisher, name: string, version: string): Promise<void> {
    const em = this.db.em();
    const pkg = await em.findOne(PackageSchema, { name });
    const owner = pkg ? await em.findOne(PublisherSchema, { id: pkg.publisherId }) : null;
    checkOwnership(publisher, name, pkg, () => owner?.name ?? 'another publisher');
    if (pkg && (await em.count(PackageVersionSchema, { packageName: name, version }))) {
      throw versionExists(name, version);
    }
  }
}
