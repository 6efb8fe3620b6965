import { editor } from 'monaco-editor/editor';

const LIGHT = 'vs';
const DARK = 'interleave-dark';

/**
 * Keeps Monaco's theme in step with Starlight's, which sets `data-theme` on <html>, and calls
 * `changed` after each switch (code highlighted outside the editor must be redone: Monaco's token
 * classes mean different colours in each theme).
 */
export function followPageTheme(changed: () => void): void {
  // Monaco's dark theme, with comments in VS Code's Dark+ green: the stock #608b4e has a contrast
  // of 4.2:1 on the editor's background, under the 4.5:1 that WCAG asks of text.
  editor.defineTheme(DARK, { base: 'vs-dark', inherit: true, rules: [{ token: 'comment', foreground: '6a9955' }], colors: {} });
  const root = document.documentElement;
  const apply = () => {
    editor.setTheme(root.dataset.theme === 'light' ? LIGHT : DARK);
    changed();
  };
  apply();
  new MutationObserver(apply).observe(root, { attributes: true, attributeFilter: ['data-theme'] });
}
