/**
 * Roles, permissions and the permission each admin API route needs. This table is the one place
 * that decides who may call what: the guard enforces it, the OpenAPI document and docs/security.md
 * show it, and a route missing from it is refused to everyone.
 */

export const ROLES = ['admin', 'developer', 'marketer', 'maintainer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'sources:read',
  'sources:write',
  'flows:read',
  'flows:write',
  'flows:deploy',
  'flows:debug',
  'rules:read',
  'rules:write',
  'plugins:read',
  'plugins:manage',
  'resources:read',
  'resources:write',
  'consents:read',
  'consents:write',
  'profiles:read',
  'profiles:export',
  'profiles:erase',
  'events:read',
  'sessions:read',
  'users:read',
  'users:write',
  'audit:read',
  'metrics:read',
  'live:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL = PERMISSIONS.filter((p) => p.endsWith(':read') && p !== 'audit:read');

/** What each role may do. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  /** Everything, including users, plugin installs, erasure and the audit log. */
  admin: PERMISSIONS,
  /** Builds the integration: sources, flows, rules, resources and consent types; no users. */
  developer: [
    ...READ_ALL.filter((p) => p !== 'users:read'),
    'sources:write',
    'flows:write',
    'flows:deploy',
    'flows:debug',
    'rules:write',
    'resources:write',
    'consents:write',
    'profiles:export',
  ],
  /** Runs campaigns: flows and rules; sees resources (masked) to pick them, changes none. */
  marketer: [
    ...READ_ALL.filter((p) => p !== 'users:read' && p !== 'metrics:read'),
    'flows:write',
    'flows:deploy',
    'flows:debug',
    'rules:write',
  ],
  /** Keeps the server running: reads everything but the audit log, changes nothing. */
  maintainer: READ_ALL,
};

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  const granted = new Set<Permission>();
  for (const role of roles) for (const permission of ROLE_PERMISSIONS[role] ?? []) granted.add(permission);
  return granted;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RoutePermission {
  method: Method;
  /** Koa-style path, `:name` for a parameter. */
  path: string;
  /** `null`: any authenticated caller (their own account and tokens). */
  permission: Permission | null;
}

const route = (method: Method, path: string, permission: Permission | null): RoutePermission => ({
  method,
  path,
  permission,
});

/** Read and write permissions for a plain CRUD collection. */
function crud(path: string, read: Permission, write: Permission): RoutePermission[] {
  return [
    route('GET', path, read),
    route('POST', path, write),
    route('GET', `${path}/:id`, read),
    route('PUT', `${path}/:id`, write),
    route('DELETE', `${path}/:id`, write),
  ];
}

export const ROUTE_PERMISSIONS: readonly RoutePermission[] = [
  ...crud('/api/sources', 'sources:read', 'sources:write'),
  ...crud('/api/flows', 'flows:read', 'flows:write'),
  route('POST', '/api/flows/:id/deploy', 'flows:deploy'),
  route('POST', '/api/flows/:id/rollback', 'flows:deploy'),
  route('GET', '/api/flows/:id/versions', 'flows:read'),
  route('POST', '/api/flows/:id/debug', 'flows:debug'),
  ...crud('/api/rules', 'rules:read', 'rules:write'),
  route('GET', '/api/plugins', 'plugins:read'),
  route('GET', '/api/plugins/installed', 'plugins:read'),
  route('GET', '/api/plugins/:name/:version/usage', 'plugins:read'),
  route('POST', '/api/plugins/install', 'plugins:manage'),
  route('DELETE', '/api/plugins/:name/:version', 'plugins:manage'),
  route('GET', '/api/marketplace', 'plugins:read'),
  route('GET', '/api/marketplace/:name', 'plugins:read'),
  ...crud('/api/resources', 'resources:read', 'resources:write'),
  route('POST', '/api/resources/:id/test', 'resources:write'),
  ...crud('/api/consents', 'consents:read', 'consents:write'),
  route('GET', '/api/profiles', 'profiles:read'),
  route('GET', '/api/profiles/:id', 'profiles:read'),
  route('GET', '/api/profiles/:id/overview', 'profiles:read'),
  route('GET', '/api/profiles/:id/export', 'profiles:export'),
  route('DELETE', '/api/profiles/:id', 'profiles:erase'),
  route('GET', '/api/events', 'events:read'),
  route('GET', '/api/events/:id', 'events:read'),
  route('GET', '/api/stats/events', 'events:read'),
  route('GET', '/api/sessions', 'sessions:read'),
  route('GET', '/api/sessions/:id', 'sessions:read'),
  ...crud('/api/users', 'users:read', 'users:write'),
  route('POST', '/api/users/:id/password', 'users:write'),
  route('GET', '/api/audit', 'audit:read'),
  route('GET', '/metrics', 'metrics:read'),
  // Every caller's own session and API tokens.
  route('GET', '/api/auth/me', null),
  route('POST', '/api/auth/logout', null),
  route('POST', '/api/auth/password', null),
  route('GET', '/api/tokens', null),
  route('POST', '/api/tokens', null),
  route('DELETE', '/api/tokens/:id', null),
];

/** Routes that need no credential at all. */
export const PUBLIC_API_ROUTES: readonly { method: Method; path: string }[] = [
  { method: 'POST', path: '/api/auth/login' },
  { method: 'GET', path: '/api/auth/session' },
  { method: 'GET', path: '/api/openapi.json' },
  { method: 'GET', path: '/api/docs' },
  { method: 'GET', path: '/api/docs/assets/:file' },
];

interface CompiledRoute extends RoutePermission {
  pattern: RegExp;
}

const compile = (path: string) =>
  new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}/?$`);

const compiled: CompiledRoute[] = ROUTE_PERMISSIONS.map((r) => ({ ...r, pattern: compile(r.path) }));
const publicRoutes = PUBLIC_API_ROUTES.map((r) => ({ ...r, pattern: compile(r.path) }));

/** The table entry for a request; `HEAD` counts as `GET`. */
export function routePermission(method: string, path: string): RoutePermission | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return compiled.find((r) => r.method === m && r.pattern.test(path));
}

export function isPublicRoute(method: string, path: string): boolean {
  const m = method === 'HEAD' ? 'GET' : method;
  return publicRoutes.some((r) => r.method === m && r.pattern.test(path));
}

/** The role × permission table as Markdown, as docs/security.md shows it (a test keeps them equal). */
export function permissionTableMarkdown(): string {
  const header = `| permission | ${ROLES.join(' | ')} |\n|---|${ROLES.map(() => ':-:').join('|')}|\n`;
  const rows = PERMISSIONS.map(
    (permission) =>
      `| \`${permission}\` | ${ROLES.map((role) => (ROLE_PERMISSIONS[role].includes(permission) ? '✓' : '')).join(' | ')} |`,
  );
  return `${header}${rows.join('\n')}\n`;
}

/** Every admin route and the permission it needs, as Markdown for docs/security.md. */
export function routeTableMarkdown(): string {
  const rows = ROUTE_PERMISSIONS.map(
    (r) => `| \`${r.method} ${r.path}\` | ${r.permission ? `\`${r.permission}\`` : 'any signed-in caller'} |`,
  );
  return `| route | permission |\n|---|---|\n${rows.join('\n')}\n`;
}
