/**
 * The editing surface a playground uses once the reader starts to edit. Monaco on desktop
 * (loaded on demand, one instance per page), a plain textarea where Monaco is unusable
 * (touch-only devices). Both keep the same contract.
 */
export interface CodeEditor {
  readonly value: string;
  focus(): void;
  /** Replaces the text (Reset, a share link). */
  setValue(value: string): void;
  /** Shows problems at snippet coordinates (1-based); an empty list clears them. */
  setMarkers(markers: EditorMarker[]): void;
  /** Detaches from the page; the text is kept by the playground. */
  close(): void;
}

export interface EditorMarker {
  line: number;
  column: number;
  message: string;
}

export interface EditorOptions {
  /** Where the editor goes (it fills the element). */
  container: HTMLElement;
  /** A stable id; each example is its own module for the editor's type checker. */
  exampleId: string;
  value: string;
  /** Accessible name of the editing surface. */
  label: string;
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter. */
  onRun(): void;
}

/** True where Monaco is unusable (no fine pointer: phones, most tablets). */
export function prefersPlainEditor(): boolean {
  return matchMedia('(pointer: coarse)').matches && !matchMedia('(any-pointer: fine)').matches;
}

/** Opens the best editor for this device. */
export async function openEditor(options: EditorOptions): Promise<CodeEditor> {
  if (!prefersPlainEditor()) {
    try {
      const { openMonacoEditor } = await import('./monaco-editor.ts');
      return await openMonacoEditor(options);
    } catch (error) {
      console.warn('Interleave: the code editor failed to load; using a plain text box.', error);
    }
  }
  const { openPlainEditor } = await import('./plain-editor.ts');
  return openPlainEditor(options);
}
