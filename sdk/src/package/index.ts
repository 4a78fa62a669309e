export type { PackageLimits, PluginPackage, SigningKey } from './package.js';
export {
  DEFAULT_PACKAGE_LIMITS,
  generateSigningKey,
  integrityOf,
  keyIdOf,
  PackageError,
  packPlugin,
  publicKeyOf,
  readPluginPackage,
  signPackage,
  verifyPackageSignature,
} from './package.js';
