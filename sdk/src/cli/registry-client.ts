/** The few calls the CLI makes to a Cairn plugin registry. */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export function registryUrl(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return (given || env.CAIRN_REGISTRY_URL || 'http://localhost:8690').replace(/\/+$/, '');
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new RegistryError(0, 'unreachable', `Cannot reach ${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = {};
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; path?: string } }).error;
    const where = error?.path ? ` (${error.path})` : '';
    throw new RegistryError(
      response.status,
      error?.code ?? 'http_error',
      `${error?.message ?? `${response.status} ${response.statusText}`}${where}`,
    );
  }
  return body as T;
}

const json = (token: string | undefined, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

export const login = (registry: string, name: string, password: string) =>
  call<{ token: string }>(`${registry}/api/auth/login`, json(undefined, { name, password }));

export const registerKey = (registry: string, token: string, publicKey: string, name?: string) =>
  call<{ keyId: string }>(`${registry}/api/keys`, json(token, { publicKey, ...(name ? { name } : {}) }));

export const publish = (
  registry: string,
  token: string,
  name: string,
  version: string,
  tarball: Buffer,
  signature: string,
  keyId: string,
) =>
  call<{ name: string; version: string; integrity: string }>(
    `${registry}/api/packages/${encodeURIComponent(name)}/${encodeURIComponent(version)}`,
    {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        authorization: `Bearer ${token}`,
        'x-cairn-signature': signature,
        'x-cairn-key-id': keyId,
      },
      body: new Uint8Array(tarball),
    },
  );
