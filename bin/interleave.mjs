#!/usr/bin/env node
// `npx interleave run FILE.ts`: runs a snippet from the command line (see src/runner/cli.ts).
// The runner is TypeScript that Node runs directly (type stripping), so there is no build step.
if (!process.features?.typescript) {
  console.error(`interleave: this Node (${process.version}) cannot run TypeScript; use Node 24 (\`npx interleave …\`).`);
  process.exit(2);
}
// The compile cache keeps the type-stripped, compiled runner between runs (as every worker does).
const { enableCompileCache } = await import('node:module');
enableCompileCache();
const { main } = await import('../src/runner/cli.ts');
process.exitCode = await main(process.argv.slice(2));
