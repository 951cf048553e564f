// Bundling options for every function (serverless-esbuild calls this with the resolved service).
// The search configuration is compiled into the bundles here, so `sls deploy` after editing the
// searches file is all it takes to change what is tracked (plan validates it at run time). So are
// the watches (alert-evaluate validates them against the searches at run time; a watch naming a
// search the searches file does not have already fails packaging, here).
const { readFileSync } = require('node:fs');
const { readFile } = require('node:fs/promises');
const { resolve } = require('node:path');
const YAML = require('yaml');

// `import … from 'node:http'` in an ES module (the AWS SDK's HTTP handler) makes Node build the
// module's ESM facade, which reads every export, WebSocket's lazy getter included: that loads
// Node's bundled undici, ~18 ms of every cold start's import (docs/performance.md). Required
// through the banner's `require`, node:http hands over its exports without reading them.
const nodeHttpByRequire = {
  name: 'node-http-by-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?http$/ }, (args) => (args.namespace === 'node-http-by-require' ? undefined : { path: 'node:http', namespace: 'node-http-by-require' }));
    build.onLoad({ filter: /.*/, namespace: 'node-http-by-require' }, () => ({
      contents: "const http = require('node:http');\nexport default http;\nexport const { Agent, ClientRequest, IncomingMessage, METHODS, OutgoingMessage, STATUS_CODES, Server, ServerResponse, createServer, get, globalAgent, maxHeaderSize, request, validateHeaderName, validateHeaderValue } = http;\n",
      loader: 'js',
    }));
  },
};

// The SDK's default credential chain (shared config files, SSO, credential processes, web identity,
// with the STS, SSO and sign-in clients they need) is ~125 KB of every bundle, compiled at every cold
// start, for sources a Lambda function never has: the bundles take the chain a function does have
// (shared/runtime/lambda-credentials.ts).
const lambdaCredentials = (servicePath) => ({
  name: 'lambda-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: resolve(servicePath, 'shared/runtime/lambda-credentials.ts') }));
  },
});

// An AWS SDK client describes every operation of its service in one schemas file, and esbuild
// keeps all of them (S3: 112 operations, 65 KB of every bundle): their object literals use computed
// keys (`{ [_h]: ["PUT", …] }`), which esbuild must assume may run code. The keys are module
// constants holding strings; written as those strings, the operations the bundle never sends are
// dropped (−53 KB, ~16 ms of every cold start's import). Same objects: only keys naming a
// `const _x = "…"` of that file are rewritten. tests/deploy/bundle-imports.test.ts fails when an
// SDK update changes the file so that nothing is dropped.
const literalSchemaKeys = {
  name: 'literal-schema-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      // A literal "__proto__" key would set the prototype where the computed one defines a property.
      const strings = new Map([...text.matchAll(/^const (_\w+) = ("[^"\\]*");$/gm)].filter(([, , value]) => value !== '"__proto__"').map(([, name, value]) => [name, value]));
      return { contents: text.replace(/\[(_\w+)\]:/g, (key, name) => (strings.has(name) ? `${strings.get(name)}:` : key)), loader: 'js' };
    });
  },
};

module.exports = (serverless) => {
  const file = serverless.service.custom.searchesFile;
  const path = resolve(serverless.config.servicePath, file);
  let config;
  try {
    config = YAML.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the search configuration ${path}: ${error.message}`);
  }
  const watchesFile = serverless.service.custom.watchesFile;
  let watches = { watches: {} };
  if (watchesFile) {
    const watchesPath = resolve(serverless.config.servicePath, watchesFile);
    try {
      watches = YAML.parse(readFileSync(watchesPath, 'utf8')) ?? {};
    } catch (error) {
      throw new Error(`cannot read the watch file ${watchesPath}: ${error.message}`);
    }
    const slugs = new Set((config?.searches ?? []).map((search) => search?.slug));
    const unknown = Object.keys(watches?.watches ?? {}).filter((slug) => !slugs.has(slug));
    if (unknown.length > 0) {
      throw new Error(`${watchesPath} watches searches that ${path} does not define: ${unknown.join(', ')} (set the watchesFile parameter to the watch file of these searches)`);
    }
  }
  return {
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    sourcemap: 'linked',
    // Stack traces need only the mappings: without the sources' text the map is a third of the
    // size, and Node reads it at every cold start (--enable-source-maps).
    sourcesContent: false,
    outExtension: { '.js': '.mjs' },
    mainFields: ['module', 'main'],
    // Some CommonJS dependencies call require(); ESM bundles need it defined.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    define: {
      __SEARCH_CONFIG__: JSON.stringify(JSON.stringify(config)),
      __WATCH_CONFIG__: JSON.stringify(JSON.stringify(watches)),
      __WATCH_FILE__: JSON.stringify(watchesFile || '(none)'),
    },
    exclude: [],
    // Concurrent packagings of one checkout (tests, benchmarks) each need their own work folder.
    outputWorkFolder: process.env.ESBUILD_WORK_FOLDER || '.esbuild',
    plugins: [nodeHttpByRequire, lambdaCredentials(serverless.config.servicePath), literalSchemaKeys],
  };
};
