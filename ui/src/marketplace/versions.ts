import semver from 'semver';
import type { InstalledVersion, PackageVersion } from '../api/types';

/** A version of a registry package as the install controls offer it. */
export interface VersionChoice extends PackageVersion {
  compatible: boolean;
  installed: boolean;
}

/** Whether a plugin asking for `range` of the plugin API runs on a server with `apiVersion`. */
export function fits(apiVersion: string, range: string): boolean {
  try {
    return semver.satisfies(apiVersion, range, { includePrerelease: true });
  } catch {
    return false;
  }
}

export const newestFirst = (a: string, b: string) => semver.rcompare(a, b);

/** Every version with whether it fits this server and is installed here, newest first. */
export function versionChoices(
  versions: PackageVersion[],
  apiVersion: string,
  installed: InstalledVersion[],
): VersionChoice[] {
  const here = new Set(installed.map((i) => i.version));
  return [...versions]
    .sort((a, b) => newestFirst(a.version, b.version))
    .map((v) => ({ ...v, compatible: fits(apiVersion, v.cairn), installed: here.has(v.version) }));
}

/**
 * The version to offer first: the latest when it fits, else the newest compatible one that is
 * not yanked; a yanked version is never offered.
 */
export function defaultChoice(choices: VersionChoice[], latest: string | null): VersionChoice | undefined {
  const usable = choices.filter((c) => !c.yanked && c.compatible);
  return (
    usable.find((c) => c.version === latest && !c.installed) ?? usable.find((c) => !c.installed) ?? usable[0]
  );
}

/** The newest installed version, if any. */
export function newestInstalled(installed: InstalledVersion[]): string | undefined {
  return installed.map((i) => i.version).sort(newestFirst)[0];
}

/** True when `latest` is newer than every installed version, i.e. an upgrade is available. */
export function upgradeAvailable(installed: InstalledVersion[], latest: string | null): boolean {
  const newest = newestInstalled(installed);
  return !!newest && !!latest && semver.gt(latest, newest);
}
