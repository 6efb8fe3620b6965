// The editor type-checks snippets against the runtime's own TypeScript sources, the same files
// the site runs, so diagnostics, completions and hover docs (the TSDoc) can never drift from the
// library. The sources are bundled as text into this lazily loaded chunk and given to Monaco's
// TypeScript worker as the files of a package at file:///node_modules/interleave/, where
// `import { Thread } from "interleave"` finds index.ts (module resolution "bundler").
import {
  ModuleKind,
  ScriptTarget,
  typescriptDefaults,
  type ModuleResolutionKind,
} from 'monaco-editor/languages/features/typescript/register';

const RUNTIME_ROOT = '/src/runtime/';
const PACKAGE_ROOT = 'file:///node_modules/interleave/';

const runtimeSources = import.meta.glob<string>(['/src/runtime/**/*.ts', '!**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

// Values of TypeScript's own enums that Monaco's typings do not list (TypeScript 5.9 in its worker).
const MODULE_RESOLUTION_BUNDLER = 100 as ModuleResolutionKind;
const MODULE_DETECTION_FORCE = 3;

/** Where each example lives for the type checker: its own module, so examples never clash. */
export function exampleUri(exampleId: string): string {
  return `file:///examples/${exampleId}.ts`;
}

/** Sets the compiler options snippets are checked with and installs the `interleave` package. */
export function configureTypeScript(): void {
  typescriptDefaults.setCompilerOptions({
    target: ScriptTarget.ESNext,
    module: ModuleKind.ESNext,
    moduleResolution: MODULE_RESOLUTION_BUNDLER,
    // Every example is a module even if the reader deletes its imports: top-level names of two
    // examples on one page must never collide.
    moduleDetection: MODULE_DETECTION_FORCE,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
  });
  typescriptDefaults.setExtraLibs(
    Object.entries(runtimeSources).map(([path, content]) => ({
      filePath: PACKAGE_ROOT + path.slice(RUNTIME_ROOT.length),
      content,
    })),
  );
}
