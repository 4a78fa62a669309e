/** The console's pages, the permission each needs, and how they appear in the side navigation. */
export interface NavItem {
  name: string;
  label: string;
  path: string;
  permission: string | null;
  group: 'Automation' | 'Data' | 'Settings' | 'Overview';
}

export const NAV_ITEMS: NavItem[] = [
  { name: 'dashboard', label: 'Dashboard', path: '/', permission: 'events:read', group: 'Overview' },
  { name: 'live', label: 'Live events', path: '/live', permission: 'live:read', group: 'Overview' },
  { name: 'flows', label: 'Flows', path: '/flows', permission: 'flows:read', group: 'Automation' },
  { name: 'rules', label: 'Routing rules', path: '/rules', permission: 'rules:read', group: 'Automation' },
  {
    name: 'sources',
    label: 'Event sources',
    path: '/sources',
    permission: 'sources:read',
    group: 'Automation',
  },
  {
    name: 'resources',
    label: 'Resources',
    path: '/resources',
    permission: 'resources:read',
    group: 'Automation',
  },
  {
    name: 'marketplace',
    label: 'Marketplace',
    path: '/marketplace',
    permission: 'plugins:read',
    group: 'Automation',
  },
  { name: 'profiles', label: 'Profiles', path: '/profiles', permission: 'profiles:read', group: 'Data' },
  { name: 'events', label: 'Events', path: '/events', permission: 'events:read', group: 'Data' },
  { name: 'consents', label: 'Consent types', path: '/consents', permission: 'consents:read', group: 'Data' },
  { name: 'users', label: 'Users', path: '/users', permission: 'users:read', group: 'Settings' },
  { name: 'tokens', label: 'API tokens', path: '/tokens', permission: null, group: 'Settings' },
  { name: 'audit', label: 'Audit log', path: '/audit', permission: 'audit:read', group: 'Settings' },
];

export const NAV_GROUPS = ['Overview', 'Automation', 'Data', 'Settings'] as const;
