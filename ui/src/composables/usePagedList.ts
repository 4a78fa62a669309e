import { computed, type Ref, ref } from 'vue';
import { errorText } from '../api/http';
import type { Page } from '../api/types';

/**
 * A list read a page at a time: `reload` reads the first page again, `more` appends the next one.
 * `fresh` runs after each successful first page (to keep the search in the address, say).
 */
export function usePagedList<T>(fetchPage: (cursor?: string) => Promise<Page<T>>, fresh?: () => void) {
  const data = ref([]) as Ref<T[]>;
  const nextCursor = ref<string | null>(null);
  const hasMore = computed(() => !!nextCursor.value);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function load(more: boolean) {
    loading.value = true;
    error.value = null;
    try {
      const page = await fetchPage(more ? (nextCursor.value ?? undefined) : undefined);
      data.value = more ? [...data.value, ...page.items] : page.items;
      nextCursor.value = page.nextCursor ?? null;
      if (!more) fresh?.();
    } catch (e) {
      error.value = errorText(e);
    } finally {
      loading.value = false;
    }
  }
  return { data, hasMore, loading, error, reload: () => load(false), more: () => load(true) };
}
