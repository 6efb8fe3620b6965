// CSS that only lazily imported client chunks need (Monaco's, ~175 kB) must load with those
// chunks, through Vite's preload helper, and never with the page. Astro 7.3.5 gets this wrong in
// production builds. Its late "inline stylesheets" step (a generateBundle hook, `enforce: 'post'`)
// takes every CSS asset with a `name` ending in .css and either
//   - links it into the <head> of every page it can trace the CSS to, following dynamic imports
//     too: this is what happens to the editor's CSS here, which would then block the first
//     render of every page with a playground; or
//   - deletes it, and removes it from the chunks' `viteMetadata.importedCss`, when it traces it
//     to no page and no chunk lists it in `viteMetadata.importedAssets`: the editor then loads
//     without its CSS and renders unstyled.
// For each CSS file that only lazy chunks import, this plugin (a normal plugin, so it runs before
// Astro's) lists it among those chunks' imported assets, and re-emits it under its file name
// alone, without the `name` Astro looks for. (Setting `name` does not stick: rolldown hands each
// plugin fresh output objects.) Vite's preload helper still loads it, from `importedCss`, when
// the chunk is imported.
//
// Registered in astro.config.mjs under `vite.plugins`.

/** @returns {import('vite').Plugin} */
export function lazyChunkCss() {
  return {
    name: 'interleave:lazy-chunk-css',
    apply: 'build',
    applyToEnvironment: (environment) => environment.config.consumer === 'client',
    generateBundle(_options, bundle) {
      /** @type {import('rolldown').OutputChunk[]} */
      const chunks = [];
      for (const item of Object.values(bundle)) if (item.type === 'chunk') chunks.push(item);

      // Chunks a page loads up front: entries and everything they import statically.
      /** @type {Set<string>} */
      const eager = new Set();
      /** @param {string} fileName */
      const visit = (fileName) => {
        const chunk = bundle[fileName];
        if (eager.has(fileName) || chunk?.type !== 'chunk') return;
        eager.add(fileName);
        chunk.imports.forEach(visit);
      };
      for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
      const eagerCss = new Set(chunks.filter((chunk) => eager.has(chunk.fileName)).flatMap(importedCss));

      for (const chunk of chunks) {
        if (eager.has(chunk.fileName) || !chunk.viteMetadata) continue;
        for (const css of importedCss(chunk)) {
          if (eagerCss.has(css)) continue;
          chunk.viteMetadata.importedAssets.add(css);
          const asset = bundle[css];
          if (asset?.type !== 'asset' || !asset.name) continue;
          delete bundle[css];
          this.emitFile({ type: 'asset', fileName: css, source: asset.source });
        }
      }
    },
  };
}

/** @param {import('rolldown').OutputChunk} chunk */
function importedCss(chunk) {
  return [...(chunk.viteMetadata?.importedCss ?? [])];
}
