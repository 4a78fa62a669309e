import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLUGIN_API_VERSION, type PluginManifest } from '@cairn/sdk';
import {
  integrityOf,
  keyIdOf,
  PackageError,
  type PluginPackage,
  readPluginPackage,
  verifyPackageSignature,
} from '@cairn/sdk/package';
import type { Logger } from 'pino';
import semver from 'semver';
import { v7 as uuidv7 } from 'uuid';
import { ApiError } from '../http/errors.js';
import type { SandboxPool } from '../sandbox/pool.js';
import { type InstalledPlugin, InstalledPluginSchema } from '../storage/config-entities.js';
import { FlowSchema, FlowVersionSchema } from '../storage/flow-entities.js';
import type { Database } from '../storage/orm.js';
import type { FetchedPackage, PackageSource } from './sources.js';
import type { PluginStore } from './store.js';

/** What a plugin version may do, as an admin approves it. */
export interface PermissionSummary {
  /** Hosts its nodes may call over HTTP (through the host's capability, with its address rules). */
  hosts: string[];
  /** Capabilities beyond pure computation: `http`, `smtp`. */
  capabilities: string[];
  /** Credential types its nodes can use through the host (never seeing the secrets). */
  resources: string[];
  /** Profile paths its nodes may change (`*`: any; `segments`; `consents.<id>`). */
  profileWrites: string[];
  nodes: {
    id: string;
    title: string;
    category: string;
    hosts: string[];
    smtp: boolean;
    resources: string[];
    profileWrites: string[];
  }[];
}

export function permissionSummary(manifest: PluginManifest): PermissionSummary {
  const nodes = manifest.nodes.map((node) => ({
    id: node.id,
    title: node.title,
    category: node.category,
    hosts: [...(node.permissions.http?.hosts ?? [])].sort(),
    smtp: node.permissions.smtp === true,
    resources: [...node.resources].sort(),
    profileWrites: [...(node.permissions.profile?.write ?? [])].sort(),
  }));
  const unique = (values: string[]) => [...new Set(values)].sort();
  return {
    hosts: unique(nodes.flatMap((n) => n.hosts)),
    capabilities: unique([
      ...(nodes.some((n) => n.hosts.length) ? ['http'] : []),
      ...(nodes.some((n) => n.smtp) ? ['smtp'] : []),
    ]),
    resources: unique(nodes.flatMap((n) => n.resources)),
    profileWrites: unique(nodes.flatMap((n) => n.profileWrites)),
    nodes,
  };
}

/** The value an admin sends back to approve exactly this package and these permissions. */
export function approvalOf(integrity: string, summary: PermissionSummary): string {
  return createHash('sha256')
    .update(`${integrity}\n${JSON.stringify(summary)}`)
    .digest('hex');
}

export interface InstallRequest {
  name: string;
  version?: string;
  /** A configured registry URL or `local:<folder>`; default: the first source that has the package. */
  source?: string;
  approve?: string;
}

export interface CheckedPackage {
  name: string;
  version: string;
  integrity: string;
  keyId: string;
  publisher: string | null;
  source: string;
  permissions: PermissionSummary;
  approve: string;
}

export type InstallOutcome =
  | ({ status: 'approval_required' } & CheckedPackage)
  | ({ status: 'installed'; installedAt: string; approvedBy: string } & CheckedPackage);

const fileName = (name: string, version: string) =>
  `${name.replace(/^@/, '').replace('/', '__')}@${version}.cairn.tgz`;

/**
 * Installs, upgrades and removes plugins on a running server. A package is loaded only after its
 * integrity, its signature by a trusted key, its contents and its compatibility are checked and an
 * admin approved the permissions it asks for; then the sandbox workers receive it without a
 * restart. Several versions of one plugin may be loaded: deployed flows keep the exact version
 * they were deployed with.
 */
export class PluginInstaller {
  private readonly trusted: Map<string, string>;

  constructor(
    private readonly db: Database,
    private readonly store: PluginStore,
    private readonly sandbox: Pick<SandboxPool, 'reload'>,
    private readonly sources: PackageSource[],
    trustedKeys: readonly string[],
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {
    this.trusted = new Map(trustedKeys.map((key) => [keyIdOf(key), key]));
  }

  sourceIds(): string[] {
    return this.sources.map((s) => s.id);
  }

  private folder(): string {
    return join(this.dataDir, 'plugins');
  }

  /** Every check but approval, in order; the first that fails says which it was. */
  private async check(
    fetched: FetchedPackage,
    name: string,
    version: string,
  ): Promise<{ pkg: PluginPackage; checked: CheckedPackage }> {
    const integrity = integrityOf(fetched.tarball);
    if (fetched.integrity && fetched.integrity !== integrity) {
      throw new ApiError(
        422,
        'integrity_mismatch',
        `The package bytes do not match the integrity ${fetched.source} recorded: it was altered.`,
      );
    }
    const publicKey = this.trusted.get(fetched.keyId);
    if (!publicKey) {
      throw new ApiError(
        422,
        'untrusted_key',
        `The package is signed with key ${fetched.keyId}, which this server does not trust (CAIRN_TRUSTED_KEYS).`,
      );
    }
    if (!verifyPackageSignature(fetched.tarball, fetched.signature, publicKey)) {
      throw new ApiError(
        422,
        'bad_signature',
        `The signature does not match the package for trusted key ${fetched.keyId}: it was altered or signed by someone else.`,
      );
    }
    let pkg: PluginPackage;
    try {
      pkg = await readPluginPackage(fetched.tarball);
    } catch (error) {
      if (error instanceof PackageError)
        throw new ApiError(422, 'invalid_package', error.message, error.path);
      throw error;
    }
    if (pkg.manifest.name !== name || pkg.manifest.version !== version) {
      throw new ApiError(
        422,
        'package_mismatch',
        `The package holds ${pkg.manifest.name}@${pkg.manifest.version}, not ${name}@${version}.`,
      );
    }
    if (!semver.satisfies(PLUGIN_API_VERSION, pkg.manifest.cairn, { includePrerelease: true })) {
      throw new ApiError(
        422,
        'incompatible',
        `${name}@${version} supports the plugin API ${pkg.manifest.cairn}; this server speaks ${PLUGIN_API_VERSION}.`,
      );
    }
    const permissions = permissionSummary(pkg.manifest);
    return {
      pkg,
      checked: {
        name,
        version,
        integrity,
        keyId: fetched.keyId,
        publisher: fetched.publisher ?? null,
        source: fetched.source,
        permissions,
        approve: approvalOf(integrity, permissions),
      },
    };
  }

  private async locate(request: InstallRequest): Promise<{ fetched: FetchedPackage; version: string }> {
    const candidates = request.source ? this.sources.filter((s) => s.id === request.source) : this.sources;
    if (request.source && candidates.length === 0) {
      throw new ApiError(
        422,
        'validation_failed',
        `"${request.source}" is not a configured plugin source.`,
        'source',
      );
    }
    if (candidates.length === 0) {
      throw new ApiError(
        409,
        'no_sources',
        'No plugin registry or package folder is configured (CAIRN_REGISTRIES, CAIRN_PLUGIN_PACKAGES).',
      );
    }
    for (const source of candidates) {
      const version = request.version ?? (await source.latest(request.name));
      if (!version) continue;
      const fetched = await source.fetch(request.name, version);
      if (fetched) return { fetched, version };
    }
    const what = request.version ? `${request.name}@${request.version}` : request.name;
    throw new ApiError(404, 'not_found', `No configured source has ${what}.`);
  }

  /**
   * Checks a package and, when `approve` matches what the admin was shown, installs it. Without
   * `approve` nothing is installed: the answer shows the permissions to approve.
   */
  async install(request: InstallRequest, actor: string): Promise<InstallOutcome> {
    const { fetched, version } = await this.locate(request);
    if (this.store.has(request.name, version)) {
      throw new ApiError(
        409,
        'already_installed',
        `${request.name}@${version} is already loaded (${this.store.originOf(request.name, version)}).`,
      );
    }
    const { pkg, checked } = await this.check(fetched, request.name, version);
    if (request.approve === undefined) return { status: 'approval_required', ...checked };
    if (request.approve !== checked.approve) {
      throw new ApiError(
        409,
        'approval_mismatch',
        'The approval does not match this package and its permissions; review them again.',
        'approve',
      );
    }
    await mkdir(this.folder(), { recursive: true });
    await writeFile(join(this.folder(), fileName(checked.name, checked.version)), fetched.tarball);
    const em = this.db.em();
    const row = em.create(InstalledPluginSchema, {
      id: uuidv7(),
      name: checked.name,
      version: checked.version,
      integrity: checked.integrity,
      signature: fetched.signature,
      keyId: checked.keyId,
      source: checked.source,
      permissions: checked.permissions as unknown as Record<string, unknown>,
      approvedBy: actor,
      installedAt: new Date(),
    });
    await em.flush();
    this.store.install({ script: pkg.script, manifest: pkg.manifest });
    await this.sandbox.reload(this.store.all());
    this.logger.info(
      { plugin: `${checked.name}@${checked.version}`, source: checked.source, actor },
      'plugin installed',
    );
    return { status: 'installed', ...checked, installedAt: row.installedAt.toISOString(), approvedBy: actor };
  }

  async list(): Promise<InstalledPlugin[]> {
    return this.db.em().find(InstalledPluginSchema, {}, { orderBy: { name: 'asc', installedAt: 'asc' } });
  }

  /** Deployed flows whose deployed version uses this plugin version. */
  async usedBy(name: string, version: string): Promise<{ id: string; name: string; version: number }[]> {
    const em = this.db.em();
    const flows = await em.find(FlowSchema, { deployedVersion: { $ne: null } });
    if (flows.length === 0) return [];
    const deployed = await em.find(FlowVersionSchema, {
      $or: flows.map((flow) => ({ flowId: flow.id, version: flow.deployedVersion! })),
    });
    const uses = new Set(
      deployed
        .filter((v) =>
          ((v.graph as { nodes?: { data?: { plugin?: string; version?: string } }[] }).nodes ?? []).some(
            (n) => n.data?.plugin === name && n.data?.version === version,
          ),
        )
        .map((v) => v.flowId),
    );
    return flows
      .filter((flow) => uses.has(flow.id))
      .map((flow) => ({ id: flow.id, name: flow.name, version: flow.deployedVersion! }));
  }

  async uninstall(name: string, version: string, actor: string): Promise<InstalledPlugin> {
    const origin = this.store.originOf(name, version);
    if (origin && origin !== 'installed') {
      throw new ApiError(
        409,
        'not_installed_package',
        `${name}@${version} is ${origin === 'built-in' ? 'built in' : 'loaded from CAIRN_PLUGIN_DIRS'}; it cannot be uninstalled here.`,
      );
    }
    const em = this.db.em();
    const row = await em.findOne(InstalledPluginSchema, { name, version });
    if (!row) throw new ApiError(404, 'not_found', `${name}@${version} is not installed.`);
    const users = await this.usedBy(name, version);
    if (users.length) {
      throw new ApiError(
        409,
        'plugin_in_use',
        `${name}@${version} is used by deployed flows: ${users.map((f) => `${f.name} (v${f.version})`).join(', ')}. Deploy them without it first.`,
      );
    }
    await em.nativeDelete(InstalledPluginSchema, { id: row.id });
    await rm(join(this.folder(), fileName(name, version)), { force: true });
    this.store.uninstall(name, version);
    await this.sandbox.reload(this.store.all());
    this.logger.info({ plugin: `${name}@${version}`, actor }, 'plugin uninstalled');
    return row;
  }

  /**
   * At start: loads the installed packages kept in the data folder, after checking again that each
   * is the file that was approved and still signed by a trusted key. One that fails is skipped and
   * logged, never loaded.
   */
  async loadInstalled(): Promise<void> {
    for (const row of await this.list()) {
      const label = `${row.name}@${row.version}`;
      try {
        const tarball = await readFile(join(this.folder(), fileName(row.name, row.version)));
        const { pkg } = await this.check(
          {
            tarball,
            signature: row.signature,
            keyId: row.keyId,
            integrity: row.integrity,
            source: row.source,
          },
          row.name,
          row.version,
        );
        if (this.store.has(row.name, row.version)) continue;
        this.store.install({ script: pkg.script, manifest: pkg.manifest });
      } catch (error) {
        this.logger.error(
          { plugin: label, err: error },
          'installed plugin not loaded: its package fails a check',
        );
      }
    }
  }
}
