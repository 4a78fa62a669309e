import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { NAV_ITEMS } from './navigation';
import { useSession } from './stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    permission?: string | null;
    public?: boolean;
    title?: string;
    fullBleed?: boolean;
  }
}

const pages: Record<string, () => Promise<unknown>> = {
  dashboard: () => import('./pages/DashboardPage.vue'),
  live: () => import('./pages/LivePage.vue'),
  flows: () => import('./pages/FlowsPage.vue'),
  rules: () => import('./pages/RulesPage.vue'),
  sources: () => import('./pages/SourcesPage.vue'),
  resources: () => import('./pages/ResourcesPage.vue'),
  profiles: () => import('./pages/ProfilesPage.vue'),
  events: () => import('./pages/EventsPage.vue'),
  consents: () => import('./pages/ConsentsPage.vue'),
  users: () => import('./pages/UsersPage.vue'),
  tokens: () => import('./pages/TokensPage.vue'),
  audit: () => import('./pages/AuditPage.vue'),
  marketplace: () => import('./marketplace/MarketplacePage.vue'),
};

const consoleRoutes: RouteRecordRaw[] = [
  ...NAV_ITEMS.map((item) => ({
    path: item.path === '/' ? '' : item.path.slice(1),
    name: item.name,
    component: pages[item.name]!,
    meta: { permission: item.permission, title: item.label },
  })),
  {
    path: 'flows/:id',
    name: 'flow-editor',
    component: () => import('./editor/FlowEditorPage.vue'),
    meta: { permission: 'flows:read', title: 'Flow editor', fullBleed: true },
    props: true,
  },
  {
    path: 'profiles/:id',
    name: 'profile',
    component: () => import('./pages/ProfileDetailPage.vue'),
    meta: { permission: 'profiles:read', title: 'Profile' },
    props: true,
  },
  {
    // Package names may hold a slash (@scope/name): the rest of the path is the name.
    path: 'marketplace/:name(.+)',
    name: 'marketplace-package',
    component: () => import('./marketplace/PackagePage.vue'),
    meta: { permission: 'plugins:read', title: 'Plugin' },
    props: true,
  },
  {
    path: 'forbidden',
    name: 'forbidden',
    component: () => import('./pages/ForbiddenPage.vue'),
    meta: { permission: null, title: 'Not allowed' },
  },
  {
    path: ':missing(.*)*',
    name: 'not-found',
    component: () => import('./pages/NotFoundPage.vue'),
    meta: { permission: null, title: 'Not found' },
  },
];

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./pages/LoginPage.vue'),
      meta: { public: true, title: 'Log in' },
    },
    { path: '/', component: () => import('./components/AppShell.vue'), children: consoleRoutes },
  ],
});

/** The first page the user may open, for after login and for a home they may not see. */
export function firstAllowedPath(can: (permission: string | null) => boolean): string {
  return NAV_ITEMS.find((item) => can(item.permission))?.path ?? '/tokens';
}

router.beforeEach(async (to) => {
  const session = useSession();
  await session.restore();
  if (to.meta.public) return session.user && to.name === 'login' ? firstAllowedPath(session.can) : true;
  if (!session.user) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  if (!session.can(to.meta.permission)) {
    return to.name === 'dashboard' ? firstAllowedPath(session.can) : { name: 'forbidden' };
  }
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Cairn` : 'Cairn';
});
