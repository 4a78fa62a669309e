import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { JsonRecord } from './entities.js';

/**
 * Credentials that plugins use through host capabilities. Secrets are stored sealed (AES-256-GCM)
 * and never leave the server; a production and an optional test set are kept apart.
 */
export const ResourceSchema = defineEntity({
  name: 'Resource',
  tableName: 'resource',
  properties: {
    id: p.string().length(36).primary(),
    type: p.string().length(32),
    name: p.string().length(191),
    productionConfig: p.json<JsonRecord>(),
    /** Sealed JSON object of secret values. */
    productionSecrets: p.text(),
    testConfig: p.json<JsonRecord>().nullable(),
    testSecrets: p.text().nullable(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});
export type Resource = InferEntity<typeof ResourceSchema>;

/** A kind of consent a customer can give, e.g. `marketing-email` or `sms`. */
export const ConsentTypeSchema = defineEntity({
  name: 'ConsentType',
  tableName: 'consent_type',
  properties: {
    id: p.string().length(64).primary(),
    name: p.string().length(191),
    description: p.text(),
    revokable: p.boolean(),
    /** Whether a profile that never answered counts as consenting. */
    defaultValue: p.boolean(),
    /** Seconds after which a grant lapses; null keeps it until revoked. */
    autoRevokeSeconds: p.integer().nullable(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});
export type ConsentType = InferEntity<typeof ConsentTypeSchema>;

/** Who created, changed, deployed or deleted which configuration object, when, and how it looked. */
export const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  indexes: [
    { name: 'audit_entry_at_idx', properties: ['at'] },
    { name: 'audit_entry_object_idx', properties: ['objectType', 'objectId', 'at'] },
  ],
  properties: {
    id: p.string().length(36).primary(),
    at: p.datetime(3),
    /** `admin-token` until user accounts exist, then the user. */
    actor: p.string().length(191),
    action: p.string().length(32),
    objectType: p.string().length(32),
    objectId: p.string().length(191),
    before: p.json<JsonRecord>().nullable(),
    after: p.json<JsonRecord>().nullable(),
  },
});
export type AuditEntry = InferEntity<typeof AuditEntrySchema>;
/** A plugin version installed from a signed package, with what the admin approved. */
export const InstalledPluginSchema = defineEntity({
  name: 'InstalledPlugin',
  tableName: 'installed_plugin',
  uniques: [{ name: 'installed_plugin_name_version_unique', properties: ['name', 'version'] }],
  properties: {
    id: p.string().length(36).primary(),
    name: p.string().length(191),
    version: p.string().length(64),
    /** `sha512-…` of the package file kept in the data folder. */
    integrity: p.string().length(128),
    signature: p.text(),
    keyId: p.string().length(16),
    /** The registry URL or `local:` folder it came from. */
    source: p.string().length(512),
    /** The permission summary the admin approved. */
    permissions: p.json<JsonRecord>(),
    approvedBy: p.string().length(191),
    installedAt: p.datetime(3),
  },
});
export type InstalledPlugin = InferEntity<typeof InstalledPluginSchema>;

export const configEntities = [ResourceSchema, ConsentTypeSchema, AuditEntrySchema, InstalledPluginSchema];
