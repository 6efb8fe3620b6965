/**
 * The Monaco editor behind `openEditor` (editor.ts). This module, and everything it imports,
 * loads only when a reader first starts to edit: editor.ts imports it dynamically.
 *
 * One editor instance serves the whole page and moves to whichever playground the reader is
 * editing. Each example keeps its own model (text, undo history, markers) at
 * file:///examples/<exampleId>.ts, so the type checker sees every example as a separate module.
 * A playground the editor has moved away from shows its code, highlighted, until the reader
 * comes back to it (a click on the code, or Edit).
 */
// Every editor feature (hover, suggest, find…), registered before the editor is created. Not a
// cost of choice: Monaco's TypeScript service imports this same set when it starts.
import 'monaco-editor/features/register.all';
// TypeScript is the only language: its highlighter here, its language service in interleave-types.
import 'monaco-editor/languages/definitions/typescript/register';
import { editor, KeyCode, KeyMod, MarkerSeverity, Uri, type IDisposable } from 'monaco-editor/editor';
import type { CodeEditor, EditorMarker, EditorOptions } from './editor.ts';
import { configureTypeScript, exampleUri } from './monaco/interleave-types.ts';
import { followPageTheme } from './monaco/theme.ts';
import { installMonacoWorkers } from './monaco/workers.ts';
import './monaco/monaco-editor.css';

/** Markers set through `setMarkers` (runtime and compile errors), apart from TypeScript's own. */
const RUN_MARKERS = 'interleave-run';
/** The editor grows with its code up to this share of the window, then scrolls. */
const MAX_HEIGHT_SHARE = 0.7;
const MIN_MAX_HEIGHT_PX = 240;

let page: PageEditor | null = null;

/** Opens the page's Monaco editor on an example; see `CodeEditor` in editor.ts. */
export async function openMonacoEditor(options: EditorOptions): Promise<CodeEditor> {
  page ??= new PageEditor();
  return page.open(options);
}

/** The one Monaco editor of the page, shown in one playground at a time. */
class PageEditor {
  readonly #host = document.createElement('div');
  readonly #editor: editor.IStandaloneCodeEditor;
  /** The example in the editor now, if any. */
  #shown: ExampleEditor | null = null;
  /** The open examples, by the element each one shows in. */
  readonly #open = new Map<HTMLElement, ExampleEditor>();

  constructor() {
    installMonacoWorkers();
    configureTypeScript();
    followPageTheme(() => {
      for (const example of this.#open.values()) if (example !== this.#shown) example.showAway();
    });
    // not-content: Starlight's article styles (margins between siblings…) must not reach Monaco.
    this.#host.className = 'pg-monaco not-content';
    this.#editor = editor.create(this.#host, {
      model: null,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      // The page scrolls on over the editor once the editor has nothing left to scroll.
      scrollbar: { alwaysConsumeMouseWheel: false },
      // Hovers and suggestions may overflow the playground's box (it clips its children).
      fixedOverflowWidgets: true,
      fontFamily: pageCodeFont(),
      fontSize: 14,
      lineNumbersMinChars: 3,
      padding: { top: 8, bottom: 8 },
      tabSize: 2,
      renderLineHighlightOnlyWhenFocus: true,
      // Not the faint number Monaco gives the empty line after the final newline (too little contrast).
      renderFinalNewline: 'off',
      overviewRulerBorder: false,
      stickyScroll: { enabled: false },
    });
    this.#editor.onDidContentSizeChange(() => this.#fit());
    addEventListener('resize', () => this.#fit());
    this.#editor.addCommand(KeyMod.CtrlCmd | KeyCode.Enter, () => this.#shown?.run());
    this.#letEscapeRelease();
  }

  open(options: EditorOptions): ExampleEditor {
    // A second Edit while the first is still loading (a double click) gets the same editor.
    let example = this.#open.get(options.container);
    if (!example) {
      example = new ExampleEditor(this, options, this.#model(options));
      this.#open.set(options.container, example);
    }
    this.show(example);
    return example;
  }

  isShowing(example: ExampleEditor): boolean {
    return this.#shown === example;
  }

  /** Moves the editor into `example`'s playground; the one it leaves shows its code instead. */
  show(example: ExampleEditor): void {
    const previous = this.#shown;
    if (previous === example) return;
    if (previous) previous.viewState = this.#editor.saveViewState();
    this.#shown = example;
    example.container.replaceChildren(this.#host);
    this.#editor.setModel(example.model);
    if (example.viewState) this.#editor.restoreViewState(example.viewState);
    this.#editor.updateOptions({ ariaLabel: example.label });
    this.#fit();
    previous?.showAway();
  }

  focus(): void {
    this.#editor.focus();
  }

  /** `example` is closed: the editor leaves its playground and waits, unattached, for the next. */
  release(example: ExampleEditor): void {
    this.#open.delete(example.container);
    if (this.#shown !== example) return;
    this.#shown = null;
    this.#editor.setModel(null);
    this.#host.remove();
  }

  #model(options: EditorOptions): editor.ITextModel {
    // Two playgrounds of the same example (rare) must not share a model.
    const taken = (uri: Uri) => [...this.#open.values()].some((open) => open.model.uri.toString() === uri.toString());
    let uri = Uri.parse(exampleUri(options.exampleId));
    for (let copy = 2; taken(uri); copy++) uri = Uri.parse(exampleUri(`${options.exampleId}-${copy}`));
    const model = editor.getModel(uri) ?? editor.createModel(options.value, 'typescript', uri);
    // A model kept from an earlier opening (before a Reset) starts again from the playground's code.
    if (model.getValue() !== options.value) model.setValue(options.value);
    return model;
  }

  /** As tall as the code, up to a share of the window. */
  #fit(): void {
    const maxHeight = Math.max(MIN_MAX_HEIGHT_PX, Math.round(innerHeight * MAX_HEIGHT_SHARE));
    this.#host.style.height = `${Math.min(this.#editor.getContentHeight(), maxHeight)}px`;
    this.#editor.layout();
  }

  /**
   * No keyboard trap: Tab indents in the editor, so Escape arms "Tab moves focus" (Monaco's
   * Ctrl+M toggle) for the next Tab; any other key, or coming back into the editor, disarms it.
   */
  #letEscapeRelease(): void {
    const setTabMovesFocus = (on: boolean) => this.#editor.updateOptions({ tabFocusMode: on });
    const passive = new Set([KeyCode.Tab, KeyCode.Shift, KeyCode.Ctrl, KeyCode.Alt, KeyCode.Meta]);
    this.#editor.onKeyDown((event) => {
      if (event.keyCode === KeyCode.Escape) setTabMovesFocus(true);
      else if (!passive.has(event.keyCode)) setTabMovesFocus(false);
    });
    this.#editor.onDidFocusEditorText(() => setTabMovesFocus(false));
  }
}

/** One playground's handle on the page editor. */
class ExampleEditor implements CodeEditor {
  readonly model: editor.ITextModel;
  viewState: editor.ICodeEditorViewState | null = null;
  readonly #page: PageEditor;
  readonly #options: EditorOptions;
  readonly #changes: IDisposable;
  /** True while the playground itself sets the text: not a reader's edit to report back. */
  #applying = false;
  #closed = false;

  constructor(page: PageEditor, options: EditorOptions, model: editor.ITextModel) {
    this.#page = page;
    this.#options = options;
    this.model = model;
    this.#changes = model.onDidChangeContent(() => {
      if (!this.#applying) options.onChange(model.getValue());
    });
  }

  get container(): HTMLElement {
    return this.#options.container;
  }

  get label(): string {
    return this.#options.label;
  }

  get value(): string {
    return this.model.getValue();
  }

  run(): void {
    this.#options.onRun();
  }

  focus(): void {
    if (this.#closed) return;
    this.#page.show(this);
    this.#page.focus();
  }

  setValue(value: string): void {
    if (value === this.model.getValue()) return;
    this.#applying = true;
    try {
      // One undoable step, so the reader can get their own text back.
      this.model.pushStackElement();
      this.model.pushEditOperations([], [{ range: this.model.getFullModelRange(), text: value }], () => null);
      this.model.pushStackElement();
    } finally {
      this.#applying = false;
    }
    if (!this.#closed && !this.#page.isShowing(this)) this.showAway();
  }

  setMarkers(markers: EditorMarker[]): void {
    editor.setModelMarkers(this.model, RUN_MARKERS, markers.map((marker) => markerData(this.model, marker)));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#changes.dispose();
    editor.setModelMarkers(this.model, RUN_MARKERS, []);
    this.#page.release(this);
    this.container.replaceChildren();
  }

  /** While the editor is in another playground: the code, highlighted; a click brings it back. */
  showAway(): void {
    const code = this.model.getValue();
    const view = document.createElement('pre');
    view.className = 'pg-monaco-away not-content';
    const text = view.appendChild(document.createElement('code'));
    text.textContent = code;
    view.addEventListener('click', () => {
      if (!getSelection()?.toString()) this.focus();
    });
    this.container.replaceChildren(view);
    void editor.colorize(code, 'typescript', { tabSize: 2 }).then((html) => {
      // Monaco escapes the text it colorizes; the result is markup of its own token spans.
      if (view.isConnected && this.model.getValue() === code) text.innerHTML = html;
    });
  }
}

/** The font the page sets code in (Starlight styles every <code>), for the editor to match. */
function pageCodeFont(): string | undefined {
  const probe = document.createElement('code');
  probe.hidden = true;
  document.body.append(probe);
  const font = getComputedStyle(probe).fontFamily;
  probe.remove();
  return font || undefined;
}

/** A marker at snippet coordinates (1-based), stretched over the word there, or the line. */
function markerData(model: editor.ITextModel, marker: EditorMarker): editor.IMarkerData {
  const line = Math.min(Math.max(1, marker.line), model.getLineCount());
  const lineEnd = model.getLineMaxColumn(line);
  const column = Math.min(Math.max(1, marker.column), lineEnd);
  const word = model.getWordAtPosition({ lineNumber: line, column });
  const [start, end] = word
    ? [word.startColumn, word.endColumn]
    : column < lineEnd
      ? [column, column + 1]
      : [model.getLineFirstNonWhitespaceColumn(line) || 1, lineEnd];
  return {
    severity: MarkerSeverity.Error,
    message: marker.message,
    startLineNumber: line,
    startColumn: start,
    endLineNumber: line,
    endColumn: end,
  };
}
