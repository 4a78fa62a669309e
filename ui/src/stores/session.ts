import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, errorText, setCsrfToken } from '../api/http';
import type { User } from '../api/types';

interface SessionAnswer {
  user: User;
  csrfToken: string;
  expiresAt?: string;
}

/** `GET /api/auth/session`: `user` is null when the browser holds no valid session. */
interface SessionProbe {
  user: User | null;
  csrfToken?: string;
}

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
   * Asks the server once whether the browser holds a session. The public session probe answers
   * `user: null` rather than 401 when it does not, so a first visit logs no refused request.
   */
  async function restore(): Promise<void> {
    if (checked.value) return;
    try {
      const answer = await api.get<SessionProbe>('/api/auth/session');
      if (answer.user) adopt({ user: answer.user, csrfToken: answer.csrfToken ?? '' });
      else forget();
      problem.value = null;
      checked.value = true;
    } catch (error) {
      user.value = null;
      problem.value = errorText(error);
    }
  }

  async function login(email: string, password: string): Promise<void> {
    adopt(await api.post<SessionAnswer>('/api/auth/login', { email, password }));
    problem.value = null;
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
    user.value = null;
    setCsrfToken(null);
  }

  return { user, checked, problem, permissions, can, restore, login, logout, forget };
});
