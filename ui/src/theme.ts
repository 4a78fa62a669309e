import type { GlobalThemeOverrides } from 'naive-ui';

/** Cairn's colours: a slate-and-teal palette with enough contrast for small text (WCAG AA). */
export const themeOverrides: GlobalThemeOverrides = {
  common: {
    primaryColor: '#0f766e',
    primaryColorHover: '#115e59',
    primaryColorPressed: '#134e4a',
    primaryColorSuppl: '#0f766e',
    errorColor: '#b91c1c',
    warningColor: '#b45309',
    successColor: '#15803d',
    infoColor: '#1d4ed8',
    fontFamily:
      'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif',
    fontFamilyMono: 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace',
    borderRadius: '6px',
    // Naive's default for secondary text (statistic labels, timeline times…) is #767c82, 4.2:1 on
    // white; this is the console's muted grey, 5.9:1.
    textColor3: '#5b6573',
  },
  // Tags tint their background with their colour; these darker texts keep 4.5:1 on the tint.
  Tag: {
    textColorSuccess: '#166534',
    textColorWarning: '#92400e',
  },
};
