import { useDialog, useMessage } from 'naive-ui';
import { computed, onMounted, type Ref, ref, shallowRef } from 'vue';
import { api, errorText } from '../api/http';
import type { JsonSchema, Page } from '../api/types';
import { useSchemas } from '../stores/schemas';
import { useSession } from '../stores/session';
import { useLoader } from './useLoader';

/** What the confirmation of a delete says, and what to do once it is done. */
export interface DeleteText {
  title: string;
  content: string;
  /** The confirming button ("Delete" unless told). */
  action?: string;
  /** Runs after the delete, before the list reloads. */
  done?: () => void;
}

/** Asks before deleting `path`; on yes deletes it and reloads, and shows a failure as a message. */
export function useConfirmDelete(reload: () => Promise<void>) {
  const dialog = useDialog();
  const message = useMessage();
  return (path: string, text: DeleteText) => {
    dialog.warning({
      title: text.title,
      content: text.content,
      positiveText: text.action ?? 'Delete',
      negativeText: 'Cancel',
      onPositiveClick: async () => {
        try {
          await api.delete(path);
          text.done?.();
          await reload();
        } catch (error) {
          message.error(errorText(error));
        }
      },
    });
  };
}

/**
 * The state of an admin list page: the items under `path` (loaded on mount), whether the user may
 * change them, the item the form dialog edits (null for a new one), and deleting after a confirmation.
 */
export function useCrudList<T extends { id: string }>(path: string, options: { permission?: string } = {}) {
  const session = useSession();
  const list = useLoader(() => api.get<Page<T>>(path).then((p) => p.items));
  const canWrite = computed(() => (options.permission ? session.can(options.permission) : true));
  const editing = ref(null) as Ref<T | null>;
  const showForm = ref(false);
  const confirmDelete = useConfirmDelete(list.reload);

  /** Opens the form dialog on an item, or on a new one. */
  function open(item?: T) {
    editing.value = item ?? null;
    showForm.value = true;
  }
  function remove(item: T, text: DeleteText) {
    confirmDelete(`${path}/${encodeURIComponent(item.id)}`, text);
  }
  return { list, canWrite, editing, showForm, open, remove };
}

/**
 * The input schema `name` for a form, fetched on mount (only `when` it is wanted); `adjust` may
 * change it before the form sees it. A failure leaves it null, and is shown when `report` is set.
 */
export function useInputSchema(
  name: string,
  options: { when?: () => boolean; adjust?: (schema: JsonSchema) => void; report?: boolean } = {},
) {
  const schemas = useSchemas();
  const message = useMessage();
  const schema = shallowRef<JsonSchema | null>(null);
  onMounted(async () => {
    if (options.when && !options.when()) return;
    try {
      const input = await schemas.schema(name);
      options.adjust?.(input);
      schema.value = input;
    } catch (error) {
      if (options.report) message.error(errorText(error));
    }
  });
  return schema;
}
