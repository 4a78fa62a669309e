import { type DataTableColumns, NButton, NSpace } from 'naive-ui';
import { h, type VNodeChild } from 'vue';

/** The last column of an admin table: the row's buttons, under a heading only screen readers read. */
export function actionsColumn<T>(
  render: (row: T) => VNodeChild,
  width?: number,
): DataTableColumns<T>[number] {
  return {
    title: () => h('span', { class: 'sr-only' }, 'Actions'),
    key: 'actions',
    ...(width ? { width } : {}),
    render,
  };
}

/** Buttons side by side in a row (a null leaves one out). */
export const buttonRow = (...buttons: VNodeChild[]) => h(NSpace, { size: 4 }, () => buttons);

export const editButton = (onClick: () => void) =>
  h(NButton, { size: 'small', quaternary: true, onClick }, () => 'Edit');

export const deleteButton = (onClick: () => void, label = 'Delete') =>
  h(NButton, { size: 'small', quaternary: true, type: 'error', onClick }, () => label);
