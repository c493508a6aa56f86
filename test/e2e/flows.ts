// The user flows several e2e suites walk through, clicked and typed as a user would: Add Node… (input boxes),
// Initiate Connection to a private partner (the wizard webview), Accept Invitation (code box, dialog, project).
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import type { Workbench } from './harness';

/** Takes a screenshot of a step when given (the themes suite names them; others skip them). */
type Shot = ((step: string) => Promise<unknown>) | undefined;

async function stepTitle(frame: Frame, title: string): Promise<void> {
  await frame.locator('h2#step-title', { hasText: title }).waitFor({ timeout: 30_000 });
}

/** Clicks Next (or Initiate) once the host has enabled it: a click on the disabled button would be lost. */
async function next(frame: Frame): Promise<void> {
  await frame.waitForFunction(() => !document.querySelector('#next')?.hasAttribute('disabled'), undefined, { timeout: 15_000 });
  await frame.locator('#next').click();
}

/**
 * Exalate: Add Node… through its two input boxes (URL, then the token); waits for `expectRow` in the tree (the
 * node's folder, or with a single node one of its connections, which are then at the root).
 */
export async function addNodeByHand(wb: Workbench, url: string, token: string, expectRow: string): Promise<void> {
  await wb.paletteCommand('Exalate: Add Node…');
  const input = wb.page.locator('.quick-input-widget input');
  await wb.page.locator('.quick-input-widget', { hasText: 'Add Exalate Node (1/2)' }).waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(url);
  await input.press('Enter');
  await wb.page.locator('.quick-input-widget', { hasText: 'Add Exalate Node (2/2)' }).waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(token);
  await input.press('Enter');
  await wb.openExalateView();
  await wb.page.locator('.part.sidebar .monaco-list-row', { hasText: expectRow }).first().waitFor({ timeout: 60_000 });
}

export interface InitiateOptions {
  /** Node to initiate on (its label in the node pick). */
  node: string;
  remoteShortName: string;
  name: string;
  project: string;
  shot?: Shot;
  /** Called on each step with the wizard frame (e.g. contrast checks). */
  check?: (step: 'destination' | 'mode' | 'info' | 'project' | 'invitation', frame: Frame) => Promise<void>;
}

/** Initiate Connection → "I don't have a URL" → Script → names → project → Initiate → Done; returns the code. */
export async function initiatePrivate(wb: Workbench, o: InitiateOptions): Promise<string> {
  await wb.paletteCommand('Exalate: Initiate Connection');
  // With several nodes it asks which one, unless the tree's selection already names one.
  const nodePick = wb.page.locator('.quick-input-widget input[placeholder="Choose the Exalate node"]');
  const panel = wb.page.locator('iframe.webview.ready');
  await Promise.race([nodePick.waitFor({ state: 'visible', timeout: 30_000 }), panel.waitFor({ timeout: 30_000 })]);
  if (await nodePick.isVisible()) await wb.pickQuick(o.node, 'Choose the Exalate node');
  let frame = await wb.webview();
  await stepTitle(frame, 'Destination');
  frame = await wb.webview();
  assert.match(await frame.locator('body').innerText(), new RegExp(`On node ${o.node} `), `the wizard opened on ${o.node}`);
  await frame.locator('#f-destinationUrl input').fill('not a url');
  await frame.locator('#e-destinationUrl', { hasText: 'absolute URL' }).waitFor();
  await o.check?.('destination', frame);
  await o.shot?.('wizard-1-destination');

  await frame.locator('#f-destinationUrl input').fill('');
  await frame.locator('#f-private').click();
  await next(frame);
  await stepTitle(frame, 'Configuration type');
  await o.check?.('mode', frame);
  await o.shot?.('wizard-2-configuration-type');
  await frame.locator('#mode-script').click();
  await next(frame);

  await stepTitle(frame, 'Connection information');
  await frame.locator('#f-remoteShortName input').fill('bad name!');
  await frame.locator('#e-remoteShortName', { hasText: 'must start with a letter or digit' }).waitFor();
  await o.check?.('info', frame);
  await o.shot?.('wizard-3-names-invalid');
  await frame.locator('#f-remoteShortName input').fill(o.remoteShortName);
  await frame.locator('#e-remoteShortName').waitFor({ state: 'hidden' });
  await frame.locator('#f-name input').fill(o.name);
  await frame.locator('#f-description textarea').fill(`Support tickets shared with ${o.remoteShortName}`);
  await next(frame);

  await stepTitle(frame, 'Project for the incoming sync');
  await frame.locator('#f-project vscode-radio', { hasText: o.project }).click();
  await o.check?.('project', frame);
  await o.shot?.('wizard-4-project');
  await next(frame);

  await stepTitle(frame, 'Invitation code');
  const code = await frame.locator('#f-invitation textarea').inputValue();
  assert.match(code, /^EXA1\./);
  await o.check?.('invitation', frame);
  await o.shot?.('wizard-5-invitation');
  await frame.locator('#next', { hasText: 'Done' }).click();
  await wb.page.locator('iframe.webview.ready').waitFor({ state: 'detached', timeout: 30_000 });
  return code;
}

export interface AcceptOptions {
  node: string;
  code: string;
  /** The connection name the code carries, and who initiated it. */
  name: string;
  initiator: string;
  /** Typed to filter the project pick; the first match is accepted. */
  project: string;
  shot?: Shot;
}

/** Accept Invitation: node pick, paste the code, confirm what it says, pick the project. */
export async function acceptInvitation(wb: Workbench, o: AcceptOptions): Promise<void> {
  await wb.paletteCommand('Exalate: Accept Invitation');
  await wb.pickQuick(o.node, 'Choose the Exalate node');
  await wb.page.locator('.quick-input-widget', { hasText: 'Paste the invitation code' }).waitFor({ state: 'visible', timeout: 30_000 });
  const input = wb.page.locator('.quick-input-widget input');
  await input.fill(o.code);
  await o.shot?.('accept-1-code');
  await input.press('Enter');
  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  assert.match(await dialog.innerText(), new RegExp(`Accept the invitation "${o.name}" from ${o.initiator}\\?`));
  await o.shot?.('accept-2-preview');
  await dialog.locator('.monaco-button', { hasText: 'Continue' }).first().click();
  await dialog.waitFor({ state: 'detached' });
  await wb.page.locator('.quick-input-widget', { hasText: `Project for the incoming sync of "${o.name}"` }).waitFor({ timeout: 30_000 });
  await input.fill(o.project);
  await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: o.project }).first().waitFor();
  await o.shot?.('accept-3-project');
  await input.press('Enter');
}
