import { onMounted, type Ref, ref, type ShallowRef, shallowRef } from 'vue';
import { errorText } from '../api/http';

export interface Loader<T> {
  data: ShallowRef<T | undefined>;
  loading: Ref<boolean>;
  error: Ref<string | null>;
  reload: () => Promise<void>;
}

/** Loads something on mount and keeps its loading and error state for the template. */
export function useLoader<T>(load: () => Promise<T>, options: { immediate?: boolean } = {}): Loader<T> {
  const data = shallowRef<T>();
  const loading = ref(false);
  const error = ref<string | null>(null);
  let generation = 0;
  async function reload() {
    const mine = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const value = await load();
      if (mine === generation) data.value = value;
    } catch (cause) {
      if (mine === generation) error.value = errorText(cause);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }
  if (options.immediate !== false) onMounted(reload);
  return { data, loading, error, reload };
}
