import { ref } from 'vue';
import { ApiError, errorText } from '../api/http';

/** Why a save failed, and the field it concerns when the server names one. */
export interface SaveFailure {
  path?: string;
  message: string;
}

/** The state of a form's save: `run` marks it saving and keeps why it failed, if it did. */
export function useSaving() {
  const saving = ref(false);
  const failure = ref<SaveFailure | null>(null);
  async function run(save: () => Promise<void>) {
    saving.value = true;
    failure.value = null;
    try {
      await save();
    } catch (error) {
      failure.value = { message: errorText(error), path: error instanceof ApiError ? error.path : undefined };
    } finally {
      saving.value = false;
    }
  }
  return { saving, failure, run };
}
