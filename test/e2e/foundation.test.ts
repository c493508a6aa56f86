// The extension in the real workbench: the Exalate activity-bar container, its welcome content, a palette command.
import * as assert from 'node:assert/strict';
import { Workbench } from './harness';

describe('e2e: Exalate view container', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.launch({ label: 'foundation' });
  });
  after(async () => {
    await wb?.close();
  });

  it('shows the Exalate container with its welcome content when no node is configured', async () => {
    await wb.openExalateView();
    const welcome = wb.page.locator('.part.sidebar .welcome-view-content');
    await welcome.waitFor({ timeout: 30_000 });
    const text = await welcome.innerText();
    assert.match(text, /No Exalate node is configured yet/);
    assert.match(text, /Exalate connections link your Azure DevOps node/);
    await wb.screenshot('welcome');
  });

  it('runs an Exalate command from the Command Palette', async () => {
    await wb.runCommand('Exalate: Refresh');
    // The palette closes once the command ran; the view is still there.
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    assert.ok(await wb.page.locator('.part.sidebar .welcome-view-content').isVisible());
    await wb.screenshot('after-refresh');
  });
});
