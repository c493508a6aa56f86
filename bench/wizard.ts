// npm run bench:wizard — not a test. In the real workbench (code-server + Chromium), times
// "Exalate: Initiate Connection" from the Command Palette until the wizard is interactive (its first field is
// there), next to a baseline webview opened the same way in the same run: VS Code's built-in Markdown preview of a
// one-line file. Runs alternate between the two; prints medians and the ratio. Machines are noisy: read the ratio.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Workbench } from '../test/e2e/harness';
import { startSandboxProcess } from '../test/integration/support/sandbox';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const node = await startSandboxProcess({ name: 'benchnode', seed: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-bench-wizard-'));
  const bootstrap = path.join(dir, 'bootstrap.json');
  fs.writeFileSync(bootstrap, JSON.stringify({ nodes: [{ url: node.url, token: node.token, adoOrgUrl: node.ado, adoPat: node.adoPat }] }), { mode: 0o600 });
  const wb = await Workbench.launch({ label: 'bench-wizard', env: { EXALATE_BOOTSTRAP_FILE: bootstrap }, files: { 'note.md': '# Baseline\n' } });
  const page = wb.page;

  // Through the title bar's command center (quick open): keys may not reach the workbench while a webview holds
  // the focus. `>` + a title runs a command; a file name opens the file.
  async function quickOpen(text: string, row: string): Promise<void> {
    const input = page.locator('.quick-input-widget input');
    await page.locator('.command-center .command-center-center').first().click();
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    const item = page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first();
    await item.waitFor();
    await item.click();
    await input.waitFor({ state: 'hidden' });
  }
  const command = (title: string) => quickOpen(`>${title}`, title);
  async function closeEditors(): Promise<void> {
    await command('View: Close All Editors');
    await page.locator('iframe.webview.ready').waitFor({ state: 'detached', timeout: 30_000 });
  }

  try {
    await wb.openExalateView();
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Fabrikam Jira bugs' }).first().waitFor({ timeout: 60_000 });

    const wizard: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const order = round % 2 === 0 ? ['wizard', 'baseline'] : ['baseline', 'wizard'];
      for (const which of order) {
        if (which === 'baseline') {
          await quickOpen('note.md', 'note.md');
          await page.locator('.tabs-container .tab', { hasText: 'note.md' }).waitFor();
        }
        const t0 = performance.now();
        await command(which === 'wizard' ? 'Exalate: Initiate Connection' : 'Markdown: Open Preview');
        const frame = await wb.webview();
        if (which === 'wizard') await frame.locator('#f-destinationUrl').waitFor();
        else await frame.locator('h1', { hasText: 'Baseline' }).waitFor();
        const ms = performance.now() - t0;
        if (round > 0) (which === 'wizard' ? wizard : baseline).push(ms); // round 0 warms both up
        await closeEditors();
      }
    }
    const w = median(wizard);
    const b = median(baseline);
    console.log(`Command → webview interactive, real workbench (code-server), ${ROUNDS} rounds after a warm-up, alternating`);
    console.log(`  Exalate: Initiate Connection (wizard)   median ${w.toFixed(0)} ms   min ${Math.min(...wizard).toFixed(0)} ms`);
    console.log(`  Markdown: Open Preview (baseline)       median ${b.toFixed(0)} ms   min ${Math.min(...baseline).toFixed(0)} ms`);
    console.log(`  ratio wizard / baseline                 ${(w / b).toFixed(2)}x`);
  } finally {
    await wb.close();
    await node.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
