import { ApiError, errorText } from '../api/http';

/**
 * What an admin can do about each refusal of `POST /api/plugins/install` (docs/marketplace.md).
 * The server's own message comes first; this says what it means and where to act.
 */
const ADVICE: Record<string, string> = {
  integrity_mismatch:
    'The file the registry sent is not the one it recorded when the package was published, so it may have been altered. Nothing was installed; tell the registry operator.',
  untrusted_key:
    'The package is signed, but not by a key this server trusts. If you trust the publisher, add their public key to CAIRN_TRUSTED_KEYS and restart Cairn.',
  bad_signature:
    'The signature does not match the file, so the file was changed after it was signed. Nothing was installed.',
  unsigned: 'The package has no signature. Cairn installs signed packages only.',
  invalid_package:
    'The package is not a well-formed Cairn plugin. The publisher needs to fix it and publish a new version.',
  package_mismatch: 'The file holds another plugin or version than the one asked for. Nothing was installed.',
  incompatible:
    "This version needs another plugin API than this server's. Choose a compatible version, or upgrade Cairn.",
  already_installed: 'This version is already loaded on this server.',
  approval_mismatch:
    'The package or its permissions changed since you reviewed them. Review the permissions again before installing.',
  plugin_in_use: 'Deploy those flows without this version first, then uninstall it.',
  not_installed_package:
    'Plugins that ship with Cairn or come from CAIRN_PLUGIN_DIRS are removed by changing the server configuration.',
  no_registry: 'Set CAIRN_REGISTRIES to the URL of a plugin registry and restart Cairn.',
};

export interface InstallProblem {
  code: string;
  message: string;
  advice: string | null;
}

export function installProblem(error: unknown): InstallProblem {
  const code = error instanceof ApiError ? error.code : 'error';
  return { code, message: errorText(error), advice: ADVICE[code] ?? null };
}
