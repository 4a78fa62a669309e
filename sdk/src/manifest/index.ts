export type { ManifestIssue } from './validate.js';
export {
  ManifestError,
  PluginManifestSchema,
  parsePluginManifest,
  validatePluginManifest,
} from './validate.js';
