// Builds the extension host bundle, the sandbox CLI, the sandbox host, the Azure DevOps client, the webview bundle
// and the test tree.
// Usage: node esbuild.js [--production] [--watch]
'use strict';
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints esbuild problems in the format of the `$esbuild-watch` problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of [...result.errors, ...result.warnings]) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: watch ? [problemMatcher] : [],
};

const targets = [
  // The extension: Node, CommonJS, `vscode` provided by the host.
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // The sandbox node as a CLI (pure Node, no `vscode`).
  {
    ...common,
    entryPoints: { sandbox: 'src/sandbox/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  // The sandbox node for "Start Local Sandbox", required lazily by src/nodes/localSandbox.ts on first start.
  {
    ...common,
    entryPoints: { sandboxHost: 'src/sandbox/index.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  // Azure DevOps client (azure-devops-node-api), required lazily by the wizard on first use: never at activation.
  {
    ...common,
    entryPoints: { ado: 'src/ado/index.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  // Sync script language features (Groovy parser + language service), required lazily by src/language/index.ts
  // when the first sync script is opened: never at activation.
  {
    ...common,
    entryPoints: { language: 'src/language/features.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // Test Run (interpreter + runtime + pickers), required lazily by src/testRun/index.ts on the first run.
  {
    ...common,
    entryPoints: { testRun: 'src/testRun/runner.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // `exalate-script` CLI (check; run): pure Node, checks sync scripts in a user's CI.
  {
    ...common,
    entryPoints: { 'exalate-script': 'src/cli/exalateScript.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  // Webview code: browser, one bundle per panel.
  {
    ...common,
    entryPoints: { wizard: 'webview/wizard/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  // Tests and the sources they import, transpiled file by file (not bundled) so that
  // mocha, the extension host and playwright load them as ordinary CommonJS modules.
  {
    entryPoints: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    outdir: 'out',
    outbase: '.',
    bundle: false,
    sourcemap: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    plugins: watch ? [problemMatcher] : [],
  },
];

async function main() {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  try {
    const results = await Promise.all(contexts.map((c) => c.rebuild()));
    if (results.some((r) => r.errors.length > 0)) process.exitCode = 1;
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
