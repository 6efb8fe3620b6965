import { editor } from 'monaco-editor/editor';

/** Keeps Monaco's theme in step with Starlight's, which sets `data-theme` on <html>. */
export function followPageTheme(): void {
  const root = document.documentElement;
  const apply = () => editor.setTheme(root.dataset.theme === 'light' ? 'vs' : 'vs-dark');
  apply();
  new MutationObserver(apply).observe(root, { attributes: true, attributeFilter: ['data-theme'] });
}
