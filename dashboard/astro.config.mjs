// @ts-check
import { defineConfig } from 'astro/config';

/**
 * A static site with zero client JavaScript, built to run under a strict CSP (see
 * src/data/csp.ts): every stylesheet is an external file, nothing is inlined.
 * The data directory comes from DASHBOARD_DATA_DIR (scripts/dashboard-build.ts sets it).
 */
export default defineConfig({
  output: 'static',
  trailingSlash: 'always',
  compressHTML: true,
  devToolbar: { enabled: false },
  prefetch: false,
  scopedStyleStrategy: 'class',
  build: {
    format: 'directory',
    inlineStylesheets: 'never',
    assets: '_astro',
    // Pages render while others are written: a year of data has ~10,000 small listing pages, and
    // one at a time the build mostly waits on the file system.
    concurrency: 8,
  },
  vite: {
    build: {
      // Never inline assets as data: URLs into CSS or HTML.
      assetsInlineLimit: 0,
    },
    ssr: {
      // Bundled into the build's server chunks: world-atlas's JSON (Node cannot import JSON without
      // import attributes) and topojson-client (its ESM entry is only in the "module" field).
      // Plot and linkedom stay external (faster builds; bundled, linkedom's optional `canvas`
      // import throws).
      noExternal: ['topojson-client', 'world-atlas'],
    },
  },
});
