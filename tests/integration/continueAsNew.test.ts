import { recommendationWorkflowId, stateQuery } from '../../workflows/messages';
import { addPeople, apiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** A long-lived recommendation keeps its history short by continuing as new, losing nothing. */
describe('long histories continue as new', () => {
  let product: TestProduct;
  beforeAll(async () => {
    product = await startTestProduct({ workflowHistoryLimit: 40 });
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('starts a fresh run with the same state, and later commands carry on', async () => {
    const api = apiClient(product);
    const p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Ian Carrow', roles: ['action_owner'] },
      lead: { name: 'Joanna Merrick', roles: ['lead'] },
    });
    api.actingAs(p.admin.id);
    const [id] = await api.createReport({
      title: 'Roads Policing: Not optional',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '3', category: 2 }],
    });
    const handle = product.app.client.workflow.getHandle(recommendationWorkflowId(id!));
    const firstRun = (await handle.describe()).runId;

    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-04-30' }, p.admin.id);
    await api.command(id!, { type: 'accept' }, p.owner.id);
    for (let i = 1; i <= 8; i++)
      await api.command(id!, { type: 'postUpdate', text: `Update ${i}: roads policing strategy drafted` }, p.owner.id);

    const latest = await eventually(
      () => handle.describe(),
      (d) => d.runId !== firstRun,
      { what: 'the workflow to continue as new' },
    );
    expect(latest.status.name).toBe('RUNNING');
    const state = await handle.query(stateQuery);
    expect(state).toMatchObject({ status: 'in_progress', ownerId: p.owner.id, updateCount: 8 });

    const after = await api.command(id!, { type: 'postUpdate', text: 'Update 9 after the new run began' }, p.owner.id);
    expect(after.state.updateCount).toBe(9);
    expect((await handle.query(stateQuery)).updateCount).toBe(9);
  });
});
