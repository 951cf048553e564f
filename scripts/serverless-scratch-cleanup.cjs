// A Serverless Framework plugin (serverless.yml `plugins`): removes the scratch folders
// serverless-esbuild leaves in the temporary directory when it zips each function (one
// `<function>-<pid>-<time>-<hex>` folder per function and packaging; its cleanup removes them
// non-recursively, which fails on a non-empty folder). Only folders of this process (its pid)
// are touched.
const { readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

class ScratchCleanup {
  constructor(serverless) {
    const clean = () => {
      const functions = serverless.service.getAllFunctions();
      const ours = new RegExp(`^(${functions.map((name) => name.replace(/[^A-Za-z0-9_-]/g, '')).join('|')})-${process.pid}-\\d+-[0-9a-f]{8}$`);
      for (const name of readdirSync(tmpdir())) if (ours.test(name)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
    };
    this.hooks = {
      'after:package:createDeploymentArtifacts': clean,
      'after:deploy:function:packageFunction': clean,
    };
  }
}

module.exports = ScratchCleanup;
