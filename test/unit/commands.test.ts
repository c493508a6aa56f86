// Every command contributed in package.json is registered in code, and every registered command is contributed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('command contributions', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const contributed = new Set<string>((pkg.contributes.commands ?? []).map((c: { command: string }) => c.command));
  const registered = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/registerCommand\(\s*(?:Commands\.\w+|'([^']+)')/g)) {
      if (m[1]) registered.add(m[1]);
    }
  }
  // Command ids may also be declared once in src/shared/commands.ts as `name: 'exalate.x'` constants.
  const constants = path.join(root, 'src', 'shared', 'commands.ts');
  if (fs.existsSync(constants)) {
    const text = fs.readFileSync(constants, 'utf8');
    const byName = new Map<string, string>();
    for (const m of text.matchAll(/(\w+):\s*'(exalate\.[\w.]+)'/g)) byName.set(m[1], m[2]);
    for (const file of sourceFiles(path.join(root, 'src'))) {
      const t = fs.readFileSync(file, 'utf8');
      for (const m of t.matchAll(/registerCommand\(\s*Commands\.(\w+)/g)) {
        const id = byName.get(m[1]);
        assert.ok(id, `${path.relative(root, file)} registers Commands.${m[1]}, which src/shared/commands.ts does not define`);
        registered.add(id);
      }
    }
  }

  it('registers every contributed command', () => {
    const missing = [...contributed].filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but never registered: ${missing.join(', ')}`);
  });

  it('contributes every registered command', () => {
    const hidden = new Set<string>(pkg.contributes.exalateInternalCommands ?? []);
    const missing = [...registered].filter((c) => !contributed.has(c) && !hidden.has(c));
    assert.deepEqual(missing, [], `registered but not contributed: ${missing.join(', ')}`);
  });

  it('has a non-empty command list', () => {
    assert.ok(contributed.size > 0);
  });
});

describe('manifest (package.json) for the Marketplace', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

  it('ships an MIT LICENSE file matching `license`', () => {
    assert.equal(pkg.license, 'MIT');
    const text = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
    assert.match(text, /^MIT License/);
    assert.match(text, /Copyright \(c\) \d{4} Exalate Connections for VS Code contributors/);
  });

  it('has a 128×128 PNG icon in media/', () => {
    assert.match(pkg.icon, /^media\/[\w-]+\.png$/);
    const png = fs.readFileSync(path.join(root, pkg.icon));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG');
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('declares repository, keywords and Marketplace categories', () => {
    assert.equal(pkg.repository?.type, 'git');
    assert.match(pkg.repository?.url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.length >= 3 && pkg.keywords.length <= 30);
    const known = ['Azure', 'Other', 'Programming Languages', 'Linters', 'SCM Providers', 'Testing', 'Snippets', 'Formatters'];
    assert.ok(pkg.categories.length > 0 && pkg.categories.every((c: string) => known.includes(c)), `categories: ${pkg.categories}`);
    assert.ok(pkg.categories.includes('Azure'));
  });

  it('says what is limited in untrusted workspaces, and enforces it', () => {
    const untrusted = pkg.capabilities?.untrustedWorkspaces;
    assert.equal(untrusted?.supported, 'limited');
    assert.match(untrusted.description, /Publish Sync Rules from File/);
    const publish = pkg.contributes.commands.find((c: { command: string }) => c.command === 'exalate.publishSyncRulesFromFile');
    assert.match(publish?.enablement ?? '', /\bisWorkspaceTrusted\b/);
    assert.equal(typeof pkg.capabilities.virtualWorkspaces, 'boolean');
  });

  it('types exalate.autoRefreshSeconds as an integer', () => {
    const setting = pkg.contributes.configuration.properties['exalate.autoRefreshSeconds'];
    assert.equal(setting.type, 'integer');
    assert.ok(Number.isInteger(setting.default) && setting.default >= setting.minimum && setting.default <= setting.maximum);
  });

  it('packages with `npm run package` after a production build', () => {
    assert.equal(pkg.scripts['vscode:prepublish'], 'node esbuild.js --production');
    assert.match(pkg.scripts.package, /^vsce package\b/);
    assert.ok(pkg.devDependencies['@vscode/vsce']);
  });
});

describe('menu policy: nothing shows where it cannot work', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  type Cmd = { command: string; title: string; icon?: string | { light: string; dark: string }; enablement?: string };
  type MenuItem = { command: string; when?: string; group?: string };
  const commands: Cmd[] = pkg.contributes.commands;
  const menus: Record<string, MenuItem[]> = pkg.contributes.menus;
  const palette = new Map(menus.commandPalette.map((m) => [m.command, m.when]));
  // Shown in the Command Palette at all times, on purpose: they are how a user gets started (no node is needed).
  const ALWAYS_IN_PALETTE = new Set(['exalate.addNode', 'exalate.startSandbox']);

  it('gives every command a Command Palette `when`, or lists it as always shown', () => {
    const missing = commands.filter((c) => !palette.has(c.command) && !ALWAYS_IN_PALETTE.has(c.command)).map((c) => c.command);
    assert.deepEqual(missing, [], `commands with no palette policy: ${missing.join(', ')}`);
    for (const id of ALWAYS_IN_PALETTE) assert.ok(!palette.has(id), `${id} is listed as always shown but has a palette when`);
    for (const [id, when] of palette) {
      assert.ok(commands.some((c) => c.command === id), `commandPalette names ${id}, which is not contributed`);
      assert.ok(typeof when === 'string' && when.trim() !== '', `${id}: empty palette when`);
    }
  });

  it('shows node and connection commands only when there is a node or connection', () => {
    const nodeCommands = ['refresh', 'initiateConnection', 'acceptInvitation', 'removeNode', 'signIn', 'setAzureDevOps'];
    for (const id of nodeCommands) assert.equal(palette.get(`exalate.${id}`), 'exalate.hasNodes', id);
    const connectionCommands = ['activateConnection', 'deactivateConnection', 'deleteConnection', 'renameConnection', 'editConnectionDescription', 'openOutgoingSyncRules', 'openIncomingSyncRules', 'openSyncRules'];
    for (const id of connectionCommands) assert.equal(palette.get(`exalate.${id}`), 'exalate.hasConnections', id);
    assert.equal(palette.get('exalate.copyInvitationCode'), 'exalate.hasPendingInvitations');
    // Commands that only work on a tree element or from code are never in the palette.
    for (const id of ['revealConnection', 'retryNode', 'loadMoreConnections']) assert.equal(palette.get(`exalate.${id}`), 'false', id);
  });

  it('offers Publish Sync Rules from File only for files of an exported exalate/ folder, in a trusted workspace', () => {
    const publish = 'exalate.publishSyncRulesFromFile';
    const places = [palette.get(publish), ...['editor/title', 'explorer/context'].flatMap((m) => menus[m].filter((i) => i.command === publish).map((i) => i.when))];
    assert.equal(places.length, 3);
    const exported = /\/exalate\/[^/]+\/(outgoing|incoming)\.groovy$/;
    for (const when of places) {
      const m = /resourcePath =~ \/(.*)\/$/.exec(when ?? '');
      assert.ok(m, `publish when without a resourcePath check: ${when}`);
      const re = new RegExp(m[1].replace(/\\\//g, '/'));
      assert.equal(re.source, exported.source);
      assert.ok(re.test('/home/me/project/exalate/Fabrikam Jira bugs/outgoing.groovy'));
      assert.ok(!re.test('/home/me/project/src/outgoing.groovy'), 'a Groovy file outside exalate/ is not offered');
      assert.ok(!re.test('/home/me/project/exalate/Fabrikam/notes.groovy'));
      assert.match(when ?? '', /resourceScheme == file/);
    }
    assert.equal(commands.find((c) => c.command === publish)?.enablement, 'isWorkspaceTrusted');
  });

  it('names only context keys the host sets', () => {
    const src = fs.readFileSync(path.join(root, 'src', 'contextKeys.ts'), 'utf8');
    const known = new Set([...src.matchAll(/:\s*'(exalate\.\w+)'/g)].map((m) => m[1]));
    const whens = [
      ...Object.values(menus).flatMap((items) => items.map((i) => i.when ?? '')),
      ...commands.map((c) => c.enablement ?? ''),
      ...(pkg.contributes.viewsWelcome ?? []).map((w: { when?: string }) => w.when ?? ''),
    ];
    for (const when of whens) {
      for (const m of when.matchAll(/\b(exalate\.\w+)\b/g)) {
        if (m[1] === 'exalate.connections') continue; // the view id
        assert.ok(known.has(m[1]), `"${when}" uses ${m[1]}, which src/contextKeys.ts does not define`);
      }
    }
  });

  it('gives every command an icon, and every icon file exists', () => {
    const missing = commands.filter((c) => !c.icon).map((c) => c.command);
    assert.deepEqual(missing, [], `commands without an icon: ${missing.join(', ')}`);
    const files: string[] = [];
    for (const c of commands) {
      if (typeof c.icon === 'string') {
        if (/^\$\([\w-]+\)$/.test(c.icon)) continue; // a codicon
        files.push(c.icon);
      } else if (c.icon) files.push(c.icon.light, c.icon.dark);
    }
    for (const vc of pkg.contributes.viewsContainers.activitybar) files.push(vc.icon);
    for (const v of Object.values(pkg.contributes.views).flat() as { icon?: string }[]) if (v.icon) files.push(v.icon);
    files.push(pkg.icon);
    for (const f of files) assert.ok(fs.existsSync(path.join(root, f)), `icon file ${f} does not exist`);
  });
});

describe('walkthrough (contributes.walkthroughs)', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  type Step = { id: string; title: string; description: string; media: { markdown?: string; image?: string; altText?: string }; completionEvents?: string[] };
  const walkthroughs: { id: string; steps: Step[] }[] = pkg.contributes.walkthroughs ?? [];
  const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const keysSource = fs.readFileSync(path.join(root, 'src', 'contextKeys.ts'), 'utf8');
  const hostKeys = new Set([...keysSource.matchAll(/:\s*'(exalate\.\w+)'/g)].map((m) => m[1]));

  it('guides from a node to a Test Run, in order', () => {
    assert.equal(walkthroughs.length, 1);
    assert.deepEqual(walkthroughs[0].steps.map((s) => s.id), ['node', 'initiate', 'accept', 'rules', 'testRun']);
  });

  it('gives every step a button that runs a real command, and completes it on a key the host sets when it happened', () => {
    for (const step of walkthroughs[0].steps) {
      const links = [...step.description.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.ok(links.length > 0, `${step.id}: no command button`);
      for (const id of links) assert.ok(contributed.has(id), `${step.id}: ${id} is not a contributed command`);
      const events = step.completionEvents ?? [];
      assert.ok(events.length > 0, `${step.id}: no completionEvents (it would complete on a click)`);
      for (const e of events) {
        const m = /^onContext:(exalate\.\w+)$/.exec(e);
        assert.ok(m, `${step.id}: ${e} is not an onContext event`);
        assert.ok(hostKeys.has(m[1]), `${step.id}: ${m[1]} is not a context key of src/contextKeys.ts`);
        // The host really sets it somewhere (not only declared).
        const name = [...keysSource.matchAll(/(\w+):\s*'(exalate\.\w+)'/g)].find((k) => k[2] === m[1])![1];
        const setters = sourceFiles(path.join(root, 'src')).filter((f) => fs.readFileSync(f, 'utf8').includes(`setContextKey(ContextKeys.${name},`));
        assert.ok(setters.length > 0, `${step.id}: nothing calls setContextKey(ContextKeys.${name}, …)`);
      }
    }
  });

  it('has its step pages in media/, and ships them', () => {
    const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    for (const step of walkthroughs[0].steps) {
      const page = step.media.markdown ?? step.media.image;
      assert.ok(page && page.startsWith('media/'), `${step.id}: media ${page}`);
      assert.ok(fs.existsSync(path.join(root, page)), `${page} does not exist`);
      assert.ok(fs.readFileSync(path.join(root, page), 'utf8').trim().length > 100, `${page} is (nearly) empty`);
    }
    assert.match(ignore, /^!media\/walkthrough\/\*\.md$/m);
  });
});
