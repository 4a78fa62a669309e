import type { Directive } from 'vue';

let ids = 0;

/**
 * `v-card-heading` (or `v-card-heading="3"`) on an `NCard` with a title: Naive UI renders the
 * header as two nested `role="heading"` elements without a level, which screen readers announce as
 * two headings and axe reports (aria-required-attr). This keeps one heading, the title, with a
 * level (2 unless given), leaves the header row (which also holds the header's buttons) without a
 * role, and names a card that is a dialog (`role="dialog"`) by its title.
 */
export const cardHeading: Directive<HTMLElement, number | string | undefined> = {
  mounted: fix,
  updated: fix,
};

function fix(card: HTMLElement, binding: { value: number | string | undefined }) {
  const header = card.querySelector<HTMLElement>(':scope > .n-card-header');
  const title = header?.querySelector<HTMLElement>(':scope > .n-card-header__main');
  if (!header || !title) return;
  header.removeAttribute('role');
  title.setAttribute('role', 'heading');
  title.setAttribute('aria-level', String(binding.value ?? 2));
  if (!title.id) title.id = `card-title-${++ids}`;
  const role = card.getAttribute('role');
  if (
    (role === 'dialog' || role === 'alertdialog') &&
    !card.hasAttribute('aria-label') &&
    !card.hasAttribute('aria-labelledby')
  )
    card.setAttribute('aria-labelledby', title.id);
}

/**
 * `v-button-names="['Decrease', 'Increase']"`: names, in order, the buttons inside a component
 * that show only an icon and have no name (the steppers of `NInputNumber`, the add button of
 * `NDynamicTags`), with `aria-label` and `title`.
 */
export const buttonNames: Directive<HTMLElement, string[]> = {
  mounted: nameButtons,
  updated: nameButtons,
};

function nameButtons(root: HTMLElement, binding: { value: string[] }) {
  const unnamed = [...root.querySelectorAll<HTMLButtonElement>('button')].filter(
    (b) => b.dataset.named === '1' || (!b.textContent?.trim() && !b.hasAttribute('aria-label')),
  );
  unnamed.forEach((button, i) => {
    const name = binding.value[i];
    if (!name) return;
    button.setAttribute('aria-label', name);
    button.title = name;
    button.dataset.named = '1';
  });
}
