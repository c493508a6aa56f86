// Work item fields and types of the Azure DevOps emulator, driven by azure-devops-node-api (getFields, getField,
// getWorkItemTypes, getWorkItemTypeFieldsWithReferences), and src/ado's listWorkItemFields on top of them.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as azdev from 'azure-devops-node-api';
import { FieldType, WorkItemTypeFieldsExpandLevel } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { AdoError, listWorkItemFields } from '../../../src/ado';
import { createAdoEmulator } from '../../../src/sandbox/ado';

const PAT = 'fields-pat-0123456789abcdefghijklmnop';

async function serve() {
  const emulator = createAdoEmulator({ org: 'contoso', pat: PAT, seed: true });
  emulator.addProject({ name: 'Plain' });
  const seen: string[] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    void emulator.handle(req, res, base);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ado`;
  return {
    orgUrl: emulator.orgUrl(base),
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('Azure DevOps emulator: work item fields and types', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeEach(async () => {
    s = await serve();
  });
  afterEach(async () => {
    await s.close();
  });

  it('answers getFields for a project and for the organization, with the library turning types into enums', async () => {
    const wit = await new azdev.WebApi(s.orgUrl, azdev.getPersonalAccessTokenHandler(PAT)).getWorkItemTrackingApi();
    const payments = await wit.getFields('Payments');
    const title = payments.find((f) => f.referenceName === 'System.Title');
    assert.equal(title?.name, 'Title');
    assert.equal(title?.type, FieldType.String);
    assert.equal(payments.find((f) => f.referenceName === 'System.AssignedTo')?.isIdentity, true);
    assert.equal(payments.find((f) => f.referenceName === 'System.CreatedDate')?.readOnly, true);
    assert.equal(payments.find((f) => f.referenceName === 'Custom.PaymentProvider')?.type, FieldType.PicklistString);
    assert.equal(payments.find((f) => f.referenceName === 'Custom.Platform'), undefined, 'Mobile App fields are not in Payments');

    const org = await wit.getFields();
    assert.ok(org.some((f) => f.referenceName === 'Custom.Platform') && org.some((f) => f.referenceName === 'Custom.PaymentProvider'));
    const plain = await wit.getFields('Plain');
    assert.ok(!plain.some((f) => f.referenceName?.startsWith('Custom.')), 'a project without custom fields');

    const field = await wit.getField('Acceptance Criteria', 'Payments');
    assert.equal(field.referenceName, 'Microsoft.VSTS.Common.AcceptanceCriteria');
    assert.ok(s.seen.includes('GET /ado/contoso/Payments/_apis/wit/fields'), s.seen.join('\n'));
    assert.ok(s.seen.includes('GET /ado/contoso/_apis/wit/fields'));
  });

  it('answers getWorkItemTypes and getWorkItemTypeFieldsWithReferences (with allowed values on request)', async () => {
    const wit = await new azdev.WebApi(s.orgUrl, azdev.getPersonalAccessTokenHandler(PAT)).getWorkItemTrackingApi();
    const types = await wit.getWorkItemTypes('Payments');
    assert.deepEqual(types.map((t) => t.name), ['Bug', 'Epic', 'Feature', 'Issue', 'Task', 'User Story']);
    assert.ok(types[0].states?.some((st) => st.name === 'Resolved'));

    const story = await wit.getWorkItemTypeFieldsWithReferences('Payments', 'User Story');
    const refs = story.map((f) => f.referenceName);
    assert.ok(refs.includes('Microsoft.VSTS.Common.AcceptanceCriteria'));
    assert.ok(refs.includes('Custom.Customer'));
    assert.ok(!refs.includes('Microsoft.VSTS.TCM.ReproSteps'), 'bug-only field');
    assert.equal(story.find((f) => f.referenceName === 'System.Title')?.alwaysRequired, true);
    assert.equal(story[0].allowedValues, undefined);
    assert.ok(s.seen.includes('GET /ado/contoso/Payments/_apis/wit/workItemTypes/User%20Story/fields'), s.seen.join('\n'));

    const withValues = await wit.getWorkItemTypeFieldsWithReferences('Payments', 'Bug', WorkItemTypeFieldsExpandLevel.AllowedValues);
    assert.deepEqual(withValues.find((f) => f.referenceName === 'Microsoft.VSTS.Common.Severity')?.allowedValues, ['1 - Critical', '2 - High', '3 - Medium', '4 - Low']);
  });

  it('answers unknown projects, types and fields with the service errors', async () => {
    const wit = await new azdev.WebApi(s.orgUrl, azdev.getPersonalAccessTokenHandler(PAT)).getWorkItemTrackingApi();
    // The library turns a 404 into null; the bodies carry the service's messages.
    assert.equal(await wit.getWorkItemTypeFieldsWithReferences('Payments', 'Spaceship'), null);
    assert.equal(await wit.getFields('Nope'), null);
    assert.equal(await wit.getField('No.Such.Field', 'Payments'), null);
    const auth = { authorization: `Basic ${Buffer.from(`:${PAT}`).toString('base64')}` };
    const body = async (path: string) => {
      const res = await fetch(`${s.orgUrl}/${path}`, { headers: auth });
      return `${res.status} ${((await res.json()) as { message: string }).message}`;
    };
    assert.match(await body('Payments/_apis/wit/workItemTypes/Spaceship/fields'), /^404 .*Spaceship/);
    assert.match(await body('Nope/_apis/wit/fields'), /^404 TF200016/);
    assert.match(await body('Payments/_apis/wit/fields/No.Such.Field'), /^404 TF51535/);
    assert.match(await body('_apis/wit/workItemTypes'), /^404 /);
    const r = await fetch(`${s.orgUrl}/Payments/_apis/wit/fields?$expand=sideways`, { headers: auth });
    assert.equal(r.status, 400);
    assert.match(((await r.json()) as { message: string }).message, /\$expand/);
  });

  it('listWorkItemFields: the fields of the project\'s types, described, with the types that use them', async () => {
    const fields = await listWorkItemFields(s.orgUrl, PAT, 'Payments');
    const provider = fields.find((f) => f.referenceName === 'Custom.PaymentProvider');
    assert.deepEqual(provider, {
      referenceName: 'Custom.PaymentProvider',
      name: 'Payment Provider',
      type: 'picklistString',
      readOnly: false,
      description: 'Gateway involved.',
      workItemTypes: ['Bug', 'Epic', 'Feature', 'Issue', 'Task', 'User Story'],
    });
    assert.deepEqual(fields.find((f) => f.referenceName === 'Microsoft.VSTS.TCM.ReproSteps')?.workItemTypes, ['Bug']);
    assert.equal(fields.find((f) => f.referenceName === 'System.CreatedBy')?.type, 'identity');
    assert.deepEqual(fields.map((f) => f.referenceName), [...fields.map((f) => f.referenceName)].sort((a, b) => a.localeCompare(b)));

    const e = await listWorkItemFields(s.orgUrl, PAT, 'Nope').then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof AdoError && e.kind === 'notFound' && /Nope/.test(e.message), String(e));
    const bad = await listWorkItemFields(s.orgUrl, 'wrong-pat-xyz-123', 'Payments').then(() => undefined, (x: unknown) => x);
    assert.ok(bad instanceof AdoError && bad.kind === 'unauthorized' && !bad.message.includes('wrong-pat-xyz-123'));
  });
});
