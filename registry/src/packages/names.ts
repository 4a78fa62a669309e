import { ApiError } from '@cairn/core/http/errors';
import semver from 'semver';

/** npm's rules for new package names, as the SDK manifest checks them, at most 214 characters. */
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
export const MAX_NAME_LENGTH = 214;
export const MAX_VERSION_LENGTH = 64;

/** The scope of `@acme/plugin-x` is `acme`; an unscoped name has none. */
export function scopeOf(name: string): string | undefined {
  return name.startsWith('@') ? name.slice(1, name.indexOf('/')) : undefined;
}

export function checkPackageName(name: string): void {
  if (name.length > MAX_NAME_LENGTH || !PACKAGE_NAME.test(name)) {
    throw new ApiError(
      422,
      'invalid_name',
      `"${name}" is not a package name: lower-case letters, digits, '.', '_' and '-', optionally under a @scope/, at most ${MAX_NAME_LENGTH} characters.`,
      'name',
    );
  }
}

/**
 * A version must be written the way semver prints it: no `v` prefix, no build metadata (`1.0.0+a`
 * and `1.0.0+b` would be one version) and lower-case, so that two versions never differ in case only.
 */
export function checkVersion(version: string): void {
  const canonical = semver.valid(version);
  if (canonical !== version || version.length > MAX_VERSION_LENGTH || version !== version.toLowerCase()) {
    throw new ApiError(
      422,
      'invalid_version',
      `"${version}" is not a semver version such as 1.2.3 or 1.2.3-beta.1 (lower-case, no build metadata, at most ${MAX_VERSION_LENGTH} characters).`,
      'version',
    );
  }
}

/** Newest first by semver precedence. */
export const bySemverDescending = (a: string, b: string) => semver.rcompare(a, b);

/**
 * The version a plain install gets: the highest one not yanked, preferring releases to
 * pre-releases; undefined when every version is yanked.
 */
export function latestOf(versions: readonly { version: string; yanked: boolean }[]): string | undefined {
  const installable = versions.filter((v) => !v.yanked).map((v) => v.version);
  const releases = installable.filter((v) => semver.prerelease(v) === null);
  return (releases.length ? releases : installable).sort(bySemverDescending)[0];
}
