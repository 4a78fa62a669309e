import type { PluginManifest } from '@cairn/sdk';
import { PluginManifestSchema } from '@cairn/sdk/manifest';
import { type Static, Type } from '@sinclair/typebox';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * The manifest a version was published with, exactly as it was in the tarball. Documented with the
 * SDK's structural schema; typed with the SDK's contract type, whose node `config` is any JSON schema.
 */
export const ManifestSchema = PluginManifestSchema;

const Deprecated = Nullable(
  Type.String({ description: "The publisher's deprecation message; null when not deprecated." }),
);
const IconPath = Nullable(
  Type.String({ description: 'Path of the icon of this version on the registry; null when it has none.' }),
);

export const PackageListQuerySchema = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Words that must all appear in the name, title, description, categories or node titles (case-insensitive).',
      }),
    ),
    category: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Only packages with a node of this category.',
      }),
    ),
    sort: Type.Optional(
      Type.Union([Type.Literal('downloads'), Type.Literal('date')], {
        description: '`downloads` (default): most downloaded first; `date`: most recently published first.',
      }),
    ),
    limit: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,4}$', description: 'Items per page, 1–100 (default 20).' }),
    ),
    cursor: Type.Optional(
      Type.String({ maxLength: 1000, description: 'The `nextCursor` of the previous page, unchanged.' }),
    ),
  },
  { additionalProperties: false },
);
export type PackageListQuery = Static<typeof PackageListQuerySchema>;

export const PackageSummarySchema = Type.Object({
  name: Type.String(),
  latest: Type.String({ description: 'The version a plain install gets.' }),
  title: Type.String(),
  description: Type.String(),
  categories: Type.Array(Type.String(), {
    description: 'The categories of the nodes of the latest version.',
  }),
  publisher: Type.String(),
  downloads: Type.Integer({ description: 'Tarball downloads of every version.' }),
  updatedAt: Timestamp,
  cairn: Type.String({ description: 'The Cairn plugin API range of the latest version.' }),
  deprecated: Deprecated,
  icon: IconPath,
});
export type PackageSummary = Static<typeof PackageSummarySchema>;

export const PackageListSchema = Type.Object({
  items: Type.Array(PackageSummarySchema),
  nextCursor: Nullable(
    Type.String({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  ),
});
export type PackageList = Static<typeof PackageListSchema>;

export const PackagePageQuerySchema = Type.Object(
  {
    cairn: Type.Optional(
      Type.String({
        maxLength: 64,
        description:
          'A Cairn plugin API version, e.g. `0.1.0`: every version then says whether it is `compatible`, and `latestCompatible` names the version a server of that API should install.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const VersionSummarySchema = Type.Object({
  version: Type.String(),
  publishedAt: Timestamp,
  deprecated: Deprecated,
  yanked: Type.Boolean({
    description: 'Yanked versions are never `latest`; they stay downloadable by exact version.',
  }),
  cairn: Type.String({ description: 'The semver range of the Cairn plugin API the version targets.' }),
  compatible: Type.Optional(
    Type.Boolean({ description: 'Only with `?cairn=`: the range includes that version.' }),
  ),
});
export type VersionSummary = Static<typeof VersionSummarySchema>;

export const PackagePageSchema = Type.Object({
  name: Type.String(),
  publisher: Type.String(),
  title: Type.String(),
  description: Type.String(),
  categories: Type.Array(Type.String()),
  latest: Nullable(Type.String({ description: 'Null when every version is yanked.' })),
  latestCompatible: Type.Optional(
    Nullable(
      Type.String({ description: 'Only with `?cairn=`: the highest installable compatible version.' }),
    ),
  ),
  versions: Type.Array(VersionSummarySchema, { description: 'Newest first by semver precedence.' }),
  manifest: Type.Union([ManifestSchema, Type.Null()], { description: 'The manifest of the latest version.' }),
  readme: Nullable(Type.String({ description: 'The README (Markdown) of the latest version.' })),
  downloads: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  icon: IconPath,
});
export type PackagePage = Omit<Static<typeof PackagePageSchema>, 'manifest'> & {
  manifest: PluginManifest | null;
};

export const VersionDetailSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  integrity: Type.String({ description: '`sha512-<base64>` of the tarball.' }),
  size: Type.Integer({ description: 'Tarball size in bytes.' }),
  signature: Type.String({ description: 'base64 ed25519 signature over the tarball bytes.' }),
  keyId: Type.String(),
  publicKey: Type.String({
    description: 'The key that made the signature, base64url; it may be revoked since.',
  }),
  publisher: Type.String(),
  manifest: ManifestSchema,
  readme: Type.String(),
  license: Type.String(),
  cairn: Type.String(),
  deprecated: Deprecated,
  yanked: Type.Boolean(),
  yankedAt: Nullable(Timestamp),
  publishedAt: Timestamp,
  downloads: Type.Integer(),
  tarball: Type.String({ description: 'Path of the tarball on the registry.' }),
  icon: IconPath,
});
export type VersionDetail = Omit<Static<typeof VersionDetailSchema>, 'manifest'> & {
  manifest: PluginManifest;
};

export const PublishedSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  integrity: Type.String(),
  size: Type.Integer(),
  keyId: Type.String(),
  publishedAt: Timestamp,
  latest: Nullable(Type.String({ description: 'The latest version of the package after this publish.' })),
});
export type Published = Static<typeof PublishedSchema>;

export const DeprecateInputSchema = Type.Object(
  {
    message: Type.Union([Type.String({ minLength: 1, maxLength: 1024 }), Type.Null()], {
      description:
        'Why the version should not be used and what to use instead; null takes the deprecation back.',
    }),
  },
  { additionalProperties: false },
);

export const YankInputSchema = Type.Object({}, { additionalProperties: false });

export const VersionStateSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  deprecated: Deprecated,
  yanked: Type.Boolean(),
  yankedAt: Nullable(Timestamp),
  latest: Nullable(Type.String({ description: 'The latest version of the package after the change.' })),
});
export type VersionState = Static<typeof VersionStateSchema>;
