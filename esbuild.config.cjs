// Bundling options for every function (serverless-esbuild calls this with the resolved service).
// The search configuration is compiled into the bundles here, so `sls deploy` after editing the
// searches file is all it takes to change what is tracked (plan validates it at run time).
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const YAML = require('yaml');

module.exports = (serverless) => {
  const file = serverless.service.custom.searchesFile;
  const path = resolve(serverless.config.servicePath, file);
  let config;
  try {
    config = YAML.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the search configuration ${path}: ${error.message}`);
  }
  return {
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    sourcemap: 'linked',
    outExtension: { '.js': '.mjs' },
    mainFields: ['module', 'main'],
    // Some CommonJS dependencies call require(); ESM bundles need it defined.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    define: { __SEARCH_CONFIG__: JSON.stringify(JSON.stringify(config)) },
    exclude: [],
  };
};
