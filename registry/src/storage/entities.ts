import type { PluginManifest } from '@cairn/sdk';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** An account that publishes packages. Its name is the scope it owns: publisher `acme` owns `@acme/…`. */
export const PublisherSchema = defineEntity({
  name: 'Publisher',
  tableName: 'publisher',
  uniques: [
    { name: 'publisher_name_unique', properties: ['name'] },
    { name: 'publisher_email_unique', properties: ['email'] },
  ],
  properties: {
    id: p.string().length(36).primary(),
    name: p.string().length(39),
    /** Stored lower-cased; sign-in compares lower-cased. Never shown to others. */
    email: p.string().length(191),
    /** argon2id, in the PHC string format. */
    passwordHash: p.text(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});
export type Publisher = InferEntity<typeof PublisherSchema>;

/**
 * A bearer credential of a publisher: an API token (`kind: api`, no expiry) or the token a sign-in
 * returns (`kind: login`, expires). Only the SHA-256 of the secret is kept.
 */
export const PublisherTokenSchema = defineEntity({
  name: 'PublisherToken',
  tableName: 'publisher_token',
  indexes: [{ name: 'publisher_token_publisher_idx', properties: ['publisherId'] }],
  uniques: [{ name: 'publisher_token_hash_unique', properties: ['secretHash'] }],
  properties: {
    id: p.string().length(36).primary(),
    publisherId: p.string().length(36),
    name: p.string().length(191),
    kind: p.string().length(16),
    /** SHA-256 of the token, hex. */
    secretHash: p.string().length(64),
    /** The token's first characters, to recognise it in a list. */
    prefix: p.string().length(16),
    createdAt: p.datetime(3),
    expiresAt: p.datetime(3).nullable(),
    lastUsedAt: p.datetime(3).nullable(),
    revokedAt: p.datetime(3).nullable(),
  },
});
export type PublisherToken = InferEntity<typeof PublisherTokenSchema>;

/** An ed25519 public key a publisher signs packages with. Revoked keys stay, for the versions they signed. */
export const SigningKeySchema = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_key',
  indexes: [{ name: 'signing_key_publisher_idx', properties: ['publisherId'] }],
  properties: {
    /** First 16 hex digits of the SHA-256 of the raw key. */
    keyId: p.string().length(16).primary(),
    publisherId: p.string().length(36),
    /** base64url of the raw 32-byte key. */
    publicKey: p.string().length(64),
    name: p.string().length(191).nullable(),
    createdAt: p.datetime(3),
    revokedAt: p.datetime(3).nullable(),
  },
});
export type SigningKey = InferEntity<typeof SigningKeySchema>;

/**
 * A package name and what listings show of it. Title, description and categories are those of the
 * latest version, kept here so searches read one row per package.
 */
export const PackageSchema = defineEntity({
  name: 'Package',
  tableName: 'package',
  indexes: [
    { name: 'package_publisher_idx', properties: ['publisherId'] },
    { name: 'package_downloads_idx', properties: ['downloads', 'name'] },
    { name: 'package_updated_idx', properties: ['updatedAt', 'name'] },
  ],
  properties: {
    name: p.string().length(214).primary(),
    /** The owner: the first publisher of the name, or the publisher named by its scope. */
    publisherId: p.string().length(36),
    /** Highest version that is not yanked, preferring releases to pre-releases; null when all are yanked. */
    latestVersion: p.string().length(64).nullable(),
    title: p.text(),
    description: p.text(),
    categories: p.json<string[]>(),
    /** Lower-cased name, title, description and node titles, matched by `q`. */
    searchText: p.text(),
    downloads: p.bigint('number').default(0),
    createdAt: p.datetime(3),
    /** Time of the last publish. */
    updatedAt: p.datetime(3),
  },
});
export type Package = InferEntity<typeof PackageSchema>;

/** The node categories of a package's latest version, one row each, for the category filter. */
export const PackageCategorySchema = defineEntity({
  name: 'PackageCategory',
  tableName: 'package_category',
  indexes: [{ name: 'package_category_category_idx', properties: ['category'] }],
  properties: {
    packageName: p.string().length(214).primary(),
    category: p.string().length(64).primary(),
  },
});
export type PackageCategory = InferEntity<typeof PackageCategorySchema>;

/** One published version. Never overwritten; deprecation and yanking only mark it. */
export const PackageVersionSchema = defineEntity({
  name: 'PackageVersion',
  tableName: 'package_version',
  uniques: [{ name: 'package_version_unique', properties: ['packageName', 'version'] }],
  properties: {
    id: p.string().length(36).primary(),
    packageName: p.string().length(214),
    version: p.string().length(64),
    /** `sha512-<base64>` of the tarball; also the tarball's address in the store. */
    integrity: p.string().length(100),
    size: p.integer(),
    /** base64 ed25519 signature over the tarball bytes. */
    signature: p.string().length(100),
    keyId: p.string().length(16),
    publisherId: p.string().length(36),
    manifest: p.json<PluginManifest>(),
    /** The semver range of the Cairn plugin API the version targets. */
    cairn: p.string().length(191),
    readme: p.text().columnType('mediumtext'),
    license: p.text().columnType('mediumtext'),
    /** sha512 hex of the icon in the store, and its media type. */
    iconDigest: p.string().length(128).nullable(),
    iconType: p.string().length(32).nullable(),
    /** The deprecation message; null when not deprecated. */
    deprecated: p.text().nullable(),
    yankedAt: p.datetime(3).nullable(),
    downloads: p.bigint('number').default(0),
    publishedAt: p.datetime(3),
  },
});
export type PackageVersion = InferEntity<typeof PackageVersionSchema>;

export const registryEntities = [
  PublisherSchema,
  PublisherTokenSchema,
  SigningKeySchema,
  PackageSchema,
  PackageCategorySchema,
  PackageVersionSchema,
];
