import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError, api, setCsrfToken } from '../api/http';
import type { User } from '../api/types';

interface SessionAnswer {
  user: User;
  csrfToken: string;
  expiresAt?: string;
}

const SESSION_HINT = 'cairn.session';

/** Who is logged in, what they may do, and the CSRF token of their session. */
export const useSession = defineStore('session', () => {
  const user = ref<User | null>(null);
  const checked = ref(false);
  /** Why the session could not be checked (the server is down, say); the login page shows it. */
  const problem = ref<string | null>(null);

  const permissions = computed(() => new Set(user.value?.permissions ?? []));
  const can = (permission: string | null | undefined) => !permission || permissions.value.has(permission);

  function adopt(answer: SessionAnswer) {
    user.value = answer.user;
    setCsrfToken(answer.csrfToken);
  }

  /**
   * Asks the server once whether the browser holds a session cookie. The cookie is httpOnly, so a
   * flag kept at login tells whether asking is worth it: a first visit goes straight to the login
   * page without a refused request.
   */
  async function restore(): Promise<void> {
    if (checked.value) return;
    if (localStorage.getItem(SESSION_HINT) === null) {
      checked.value = true;
      return;
    }
    try {
      adopt(await api.get<SessionAnswer>('/api/auth/me'));
      problem.value = null;
      checked.value = true;
    } catch (error) {
      user.value = null;
      if (error instanceof ApiError && error.status === 401) {
        localStorage.removeItem(SESSION_HINT);
        checked.value = true;
      } else problem.value = error instanceof Error ? error.message : String(error);
    }
  }

  async function login(email: string, password: string): Promise<void> {
    adopt(await api.post<SessionAnswer>('/api/auth/login', { email, password }));
    localStorage.setItem(SESSION_HINT, '1');
    checked.value = true;
  }

  async function logout(): Promise<void> {
    try {
      await api.post('/api/auth/logout');
    } finally {
      forget();
    }
  }

  /** Drops the session locally, e.g. when the server answered 401. */
  function forget() {
    localStorage.removeItem(SESSION_HINT);
    user.value = null;
    setCsrfToken(null);
  }

  return { user, checked, problem, permissions, can, restore, login, logout, forget };
});
