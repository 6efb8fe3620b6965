import type { CodeEditor, EditorOptions } from './editor.ts';

/** A textarea editor: works everywhere, including touch screens. */
export function openPlainEditor(options: EditorOptions): CodeEditor {
  const area = document.createElement('textarea');
  area.className = 'pg-textarea';
  area.value = options.value;
  area.spellcheck = false;
  area.setAttribute('autocapitalize', 'off');
  area.setAttribute('autocomplete', 'off');
  area.setAttribute('aria-label', options.label);
  area.rows = Math.min(30, options.value.split('\n').length + 1);
  area.addEventListener('input', () => options.onChange(area.value));
  area.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      options.onRun();
    }
  });
  const problems = document.createElement('ul');
  problems.className = 'pg-problems';
  options.container.replaceChildren(area, problems);
  return {
    get value() {
      return area.value;
    },
    focus: () => area.focus(),
    setValue(value) {
      area.value = value;
    },
    setMarkers(markers) {
      problems.replaceChildren(
        ...markers.map((marker) => {
          const item = document.createElement('li');
          item.textContent = `Line ${marker.line}, column ${marker.column}: ${marker.message}`;
          return item;
        }),
      );
    },
    close: () => options.container.replaceChildren(),
  };
}
