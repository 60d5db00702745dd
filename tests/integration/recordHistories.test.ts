import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { findTemporalCli } from '../../runtime/temporalCli';
import { recommendationWorkflowId } from '../../workflows/messages';
import { addPeople, apiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Records real workflow histories into tests/replay/histories, for the replay test that guards running workflows
 * against incompatible code changes. Run it when a new path should be guarded, then commit the files:
 *   RECORD_HISTORIES=1 npx jest tests/integration/recordHistories.test.ts
 * Never re-record to make the replay test pass: that hides exactly the break it exists to catch.
 */
const recording = process.env.RECORD_HISTORIES === '1';
const folder = path.join(__dirname, '..', 'replay', 'histories');

(recording ? describe : describe.skip)('record workflow histories for the replay test', () => {
  let product: TestProduct;
  beforeAll(async () => {
    product = await startTestProduct();
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('drives the main paths and saves their histories', async () => {
    const api = apiClient(product);
    const p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
      dcc: { name: 'Simon Hartley', roles: ['dcc'] },
      liaison: { name: 'Rachel Okafor', roles: ['liaison_lead'] },
    });
    api.actingAs(p.admin.id);
    const [cat3, rejected, national] = await api.createReport({
      title: 'Stalking and harassment',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [
        { reference: '1', category: 3 },
        { reference: '2', category: 2 },
        { reference: '3', forTheForce: false, addressedTo: 'NPCC' },
      ],
    });
    const start = async (id: string) => {
      await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' }, p.admin.id);
      await api.command(id, { type: 'accept' }, p.owner.id);
      await api.command(id, { type: 'postUpdate', text: 'Policy drafted' }, p.owner.id);
      await api.command(id, { type: 'submitEvidence', summary: 'Policy and training records' }, p.owner.id);
      await api.command(id, { type: 'approve' }, p.lead.id);
    };
    await start(cat3!);
    await api.command(cat3!, { type: 'approve' }, p.dcc.id);
    await api.command(cat3!, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc.id);
    await api.command(cat3!, { type: 'submitToHmicfrs' }, p.liaison.id);
    await api.command(cat3!, { type: 'recordHmicfrsResponse', outcome: 'signed_off' }, p.liaison.id);
    await start(rejected!);
    await api.command(rejected!, { type: 'reject', reasons: 'No audit of compliance' }, p.dcc.id);
    await api.command(rejected!, { type: 'requestExtension', newDueDate: '2027-09-30', reason: 'Audit takes a quarter' }, p.owner.id);
    await api.command(rejected!, { type: 'decideExtension', approved: true }, p.lead.id);
    await api.command(national!, { type: 'markNotForTheForce', reason: 'For the NPCC' }, p.admin.id);
    await new Promise((r) => setTimeout(r, 2000)); // let the emails go out so their activities are in the histories

    fs.mkdirSync(folder, { recursive: true });
    for (const [name, id] of [['category-3-signed-off', cat3], ['rejected-then-extended', rejected], ['not-for-the-force', national]] as const) {
      // The CLI writes the JSON form that Temporal's replayer reads back (historyFromJSON).
      const json = execFileSync(findTemporalCli(process.env.TEMPORAL_CLI_PATH)!, [
        'workflow', 'show', '--workflow-id', recommendationWorkflowId(id!), '--address', process.env.TEST_TEMPORAL_ADDRESS!, '--output', 'json',
      ], { encoding: 'utf8' });
      expect((JSON.parse(json) as { events: unknown[] }).events.length).toBeGreaterThan(5);
      fs.writeFileSync(path.join(folder, `${name}.json`), json);
    }
  });
});
