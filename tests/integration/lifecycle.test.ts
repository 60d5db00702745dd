import { AuditEvent, type Person } from '../../entities';
import { stateQuery, recommendationWorkflowId } from '../../workflows/messages';
import { addCast, apiClient, type ApiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Every path of the lifecycle through HTTP → the recommendation's workflow → PostgreSQL, on the real Temporal
 * server: state, rows, audit events and the emails that tell people what to do.
 */
describe('the recommendation lifecycle, end to end', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'owner2' | 'lead' | 'lead2' | 'dcc' | 'acc' | 'finance' | 'liaison', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'owner2', 'lead', 'lead2', 'dcc', 'acc', 'finance', 'liaison');
    api.actingAs(p.admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const inspection = (title: string, category: number) =>
    api
      .createReport({
        title,
        originator: 'HMICFRS',
        kind: 'inspection',
        recommendations: [{ reference: '1', category, department: 'Public Protection' }],
      })
      .then((ids) => ids[0]!);

  async function inProgress(title: string, category: number): Promise<string> {
    const id = await inspection(title, category);
    await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' }, p.admin.id);
    await api.command(id, { type: 'accept' }, p.owner.id);
    return id;
  }

  async function approvedByChain(id: string): Promise<void> {
    await api.command(id, { type: 'submitEvidence', summary: 'Policy published and training delivered; records attached.' }, p.owner.id);
    await api.command(id, { type: 'approve', comment: 'Evidence is complete' }, p.lead.id);
    await api.command(id, { type: 'approve' }, p.dcc.id);
  }

  const auditTypes = async (id: string) =>
    (await product.app.dataSource.manager.find(AuditEvent, { where: { recommendationId: id }, order: { id: 'ASC' } }))
      .map((e) => e.type)
      .filter((t) => !t.startsWith('email_'));

  const mailTo = (person: Person, subject: RegExp) =>
    product.sink.waitFor((m) => m.to.includes(person.email) && subject.test(m.subject), { timeoutMs: 20_000 });

  it('category 2: owner → lead → DCC → self-certification letter → closed, telling each approver in turn', async () => {
    const id = await inProgress('Category 2 path', 2);
    await api.command(id, { type: 'postUpdate', text: 'Draft policy with legal services' }, p.owner.id);
    await api.command(id, { type: 'submitEvidence', summary: 'Policy published and training delivered.' }, p.owner.id);
    let view = await api.get(id);
    expect(view.status).toBe('awaiting_approval');
    expect(view.state.approval!.steps.map((s) => s.approverId)).toEqual([p.lead.id, null]);
    await mailTo(p.lead, /^Approval needed/);

    // The lead decides from the email: the link shows what will happen, and only submitting the page acts.
    const request = await mailTo(p.lead, /^Approval needed/);
    const approveUrl = /Approve \(works once, for you only\):\n(\S+)/.exec(request.text)![1]!;
    expect(request.html).toContain('Reject, with reasons');
    // Its own link opens the approval page, where everything to scrutinise is on one screen.
    expect(request.html).toContain(`href="http://tracker.test/approvals/${id}"`);
    const page = await fetch(approveUrl.replace('http://tracker.test', product.baseUrl), { redirect: 'manual' });
    const pageHtml = await page.text();
    expect(page.status).toBe(200);
    expect((await api.get(id)).state.approval!.current).toBe(0);
    const formCookie = (page.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('rt_form='))!;
    const submitted = await fetch(approveUrl.replace('http://tracker.test', product.baseUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: formCookie },
      body: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(pageHtml)![1]!, comment: 'Content with this' }).toString(),
    });
    expect(submitted.status).toBe(200);
    view = await api.get(id);
    expect(view.state.approval!.steps.map((s) => s.approverId)).toEqual([p.lead.id, p.dcc.id]);
    await mailTo(p.dcc, /^Approval needed/);

    await api.command(id, { type: 'approve' }, p.dcc.id);
    expect((await api.get(id)).status).toBe('awaiting_self_certification');
    view = await api.command(
      id,
      { type: 'selfCertify', signatory: 'Chief Constable Jo Farrell', letterReference: 'CC/2026/114' },
      p.dcc.id,
    );
    expect(view.status).toBe('closed');
    expect(view.state.closure).toMatchObject({ how: 'self_certified' });
    expect(view.state.selfCertification).toMatchObject({ signatory: 'Chief Constable Jo Farrell', letterReference: 'CC/2026/114' });

    const workflowState = await product.app.client.workflow.getHandle(recommendationWorkflowId(id)).query(stateQuery);
    expect(workflowState.status).toBe('closed');
    expect(await auditTypes(id)).toEqual(
      expect.arrayContaining(['owner_assigned', 'owner_accepted', 'progress_updated', 'evidence_submitted', 'self_certified']),
    );
  });

  it('refuses what separation of duties forbids: the owner approving, and one person approving twice', async () => {
    const id = await inProgress('Separation of duties', 2);
    await api.command(id, { type: 'submitEvidence', summary: 'Evidence' }, p.owner.id);
    const byOwner = await api.refused(id, { type: 'approve' }, p.owner.id);
    expect(byOwner.status).toBe(409);
    expect(byOwner.body.detail).toMatch(/approved/i);
    await api.command(id, { type: 'approve' }, p.lead.id);
    const twice = await api.refused(id, { type: 'approve' }, p.lead.id);
    expect(twice.status).toBe(409);
    expect((await api.get(id)).state.approval!.current).toBe(1);
  });

  it('a rejection returns the item to the owner with the reasons, and a fresh chain starts on resubmission', async () => {
    const id = await inProgress('Rejection loop', 2);
    await approvedByChainUntilDcc(id);
    const rejected = await api.command(id, { type: 'reject', reasons: 'The training records do not cover response officers.' }, p.dcc.id);
    expect(rejected.status).toBe('in_progress');
    expect(rejected.state.lastRejection).toMatchObject({
      source: 'approver',
      reasons: 'The training records do not cover response officers.',
    });
    const told = await mailTo(p.owner, /^Evidence not accepted/);
    expect(told.text).toContain('The training records do not cover response officers.');
    await approvedByChain(id);
    expect((await api.get(id)).status).toBe('awaiting_self_certification');
  });

  async function approvedByChainUntilDcc(id: string) {
    await api.command(id, { type: 'submitEvidence', summary: 'First evidence' }, p.owner.id);
    await api.command(id, { type: 'approve' }, p.lead.id);
  }

  it('an approval given is outdated when the evidence changes before the chain completes, and that step is asked again', async () => {
    const id = await inProgress('Outdated approval', 2);
    await approvedByChainUntilDcc(id);
    const amended = await api.command(
      id,
      { type: 'amendEvidence', summary: 'First evidence, plus the audit of 50 stalking crimes' },
      p.owner.id,
    );
    expect(amended.state.approval!.current).toBe(0);
    expect(amended.state.approval!.steps[0]!.outdated).toHaveLength(1);
    await mailTo(p.lead, /^Please approve again/);
  });

  it('category 3: self-certified, submitted by the liaison lead, not accepted, then signed off by HMICFRS', async () => {
    const id = await inProgress('Category 3 path', 3);
    await approvedByChain(id);
    let view = await api.command(id, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc.id);
    expect(view.status).toBe('self_certified');
    view = await api.command(id, { type: 'submitToHmicfrs', reference: 'HMICFRS-2026-0042' }, p.liaison.id);
    expect(view.status).toBe('awaiting_hmicfrs_sign_off');
    view = await api.command(
      id,
      { type: 'recordHmicfrsResponse', outcome: 'not_accepted', reasons: 'No evidence that supervisors check the records.' },
      p.liaison.id,
    );
    expect(view.status).toBe('in_progress');
    await mailTo(p.owner, /^HMICFRS did not accept/);

    await approvedByChain(id);
    await api.command(id, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc.id);
    await api.command(id, { type: 'submitToHmicfrs' }, p.liaison.id);
    view = await api.command(id, { type: 'recordHmicfrsResponse', outcome: 'reality_test' }, p.liaison.id);
    expect(view.status).toBe('reality_test_at_next_inspection');
    view = await api.command(id, { type: 'recordHmicfrsResponse', outcome: 'signed_off' }, p.liaison.id);
    expect(view.status).toBe('closed');
    expect(view.state.closure).toMatchObject({ how: 'signed_off_by_hmicfrs' });
  });

  it('category 4: the HMICFRS verification visit is recorded, then signed off', async () => {
    const id = await inProgress('Category 4 path', 4);
    await approvedByChain(id);
    expect((await api.command(id, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc.id)).status).toBe(
      'awaiting_verification_visit',
    );
    expect(
      (await api.command(id, { type: 'recordVerificationVisit', visitedOn: '2026-11-20', notes: 'Dip sample of 30 files' }, p.liaison.id))
        .status,
    ).toBe('verification_visit_held');
    expect((await api.command(id, { type: 'recordHmicfrsResponse', outcome: 'signed_off' }, p.liaison.id)).state.closure).toMatchObject({
      how: 'signed_off_by_hmicfrs',
    });
  });

  it('category 1 closes with no action required; items not for the force are tracked and can be reactivated', async () => {
    const id = await inspection('Category 1', 1);
    expect(
      (await api.command(id, { type: 'closeNoActionRequired', reason: 'Already force policy since 2019' }, p.admin.id)).state.closure,
    ).toMatchObject({
      how: 'no_action_required',
    });

    const [national] = await api.createReport({
      title: 'National recommendations',
      originator: 'HMICFRS',
      kind: 'inspection',
      scope: 'national',
      recommendations: [{ reference: '2', forTheForce: false, addressedTo: 'College of Policing' }],
    });
    const triaged = await api.command(
      national!,
      { type: 'markNotForTheForce', reason: 'Addressed to the College of Policing' },
      p.admin.id,
    );
    expect(triaged.status).toBe('not_for_the_force');
    const reactivated = await api.command(
      national!,
      { type: 'reactivate', reason: 'APP changed: forces must act', ownerId: p.owner2.id, leadId: p.lead2.id, dueDate: '2027-09-30' },
      p.admin.id,
    );
    expect(reactivated).toMatchObject({ status: 'assigned', owner: { id: p.owner2.id }, lead: { id: p.lead2.id } });
  });

  it('extensions are approved by the lead and move the due date, keeping the history; a refused one keeps the date', async () => {
    const id = await inProgress('Extensions', 2);
    await api.command(id, { type: 'requestExtension', newDueDate: '2027-09-30', reason: 'Waiting for the national APP' }, p.owner.id);
    await mailTo(p.lead, /^Extension requested/);
    let view = await api.command(id, { type: 'decideExtension', approved: true }, p.lead.id);
    expect(view.dueDate).toBe('2027-09-30');
    expect(view.state.dueDateHistory.map((d) => d.dueDate)).toEqual(['2027-06-30', '2027-09-30']);
    await api.command(id, { type: 'requestExtension', newDueDate: '2027-12-31', reason: 'More time' }, p.owner.id);
    view = await api.command(id, { type: 'decideExtension', approved: false, reason: 'Not justified' }, p.lead.id);
    expect(view.dueDate).toBe('2027-09-30');
    await mailTo(p.owner, /^Extension refused/);
  });

  it('handing over moves an open lead step to the new lead', async () => {
    const id = await inProgress('Reassign mid-approval', 2);
    await api.command(id, { type: 'submitEvidence', summary: 'Evidence' }, p.owner.id);
    const handed = await api.command(
      id,
      { type: 'reassign', leadId: p.lead2.id, reason: 'Nadia moved to Professional Standards' },
      p.admin.id,
    );
    expect(handed.lead!.id).toBe(p.lead2.id);
    expect(handed.state.approval!.steps[0]!.approverId).toBe(p.lead2.id);
    expect((await api.refused(id, { type: 'approve' }, p.lead.id)).status).toBe(409);
    await api.command(id, { type: 'approve' }, p.lead2.id);
  });

  it('routes audit actions lead → finance director, and follows an active delegation', async () => {
    const [action] = await api.createReport({
      title: 'Core Financials',
      originator: 'Mazars',
      kind: 'internal_audit',
      recommendations: [{ reference: 'Action 1', kind: 'action', category: 2 }],
    });
    await api.command(action!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-03-31' }, p.admin.id);
    await api.command(action!, { type: 'accept' }, p.owner.id);
    await api.command(action!, { type: 'submitEvidence', summary: 'Desk instructions updated' }, p.owner.id);
    const atFinance = await api.command(action!, { type: 'approve' }, p.lead.id);
    expect(atFinance.state.approval!.steps[1]!.approverId).toBe(p.finance.id);

    await product.app.dataSource.query(
      `INSERT INTO delegations (from_person_id, to_person_id, starts_on, ends_on, reason) VALUES ($1, $2, CURRENT_DATE - 1, CURRENT_DATE + 14, 'Annual leave')`,
      [p.dcc.id, p.acc.id],
    );
    const id = await inProgress('Delegated DCC', 2);
    await api.command(id, { type: 'submitEvidence', summary: 'Evidence' }, p.owner.id);
    const atDcc = await api.command(id, { type: 'approve' }, p.lead.id);
    expect(atDcc.state.approval!.steps[1]).toMatchObject({ approverId: p.acc.id, onBehalfOf: p.dcc.id });
    await api.command(id, { type: 'approve' }, p.acc.id);
  });

  it('closes through the other exits and reopens with a reason', async () => {
    const later = await inspection('Later report', 2);
    const superseded = await inProgress('Superseded', 2);
    let view = await api.command(
      superseded,
      { type: 'markSuperseded', supersededBy: later, reason: 'Repeated in the 2026 PEEL report' },
      p.admin.id,
    );
    expect(view.state.closure).toMatchObject({ how: 'superseded', supersededBy: later });
    const bau = await inProgress('Business as usual', 2);
    view = await api.command(bau, { type: 'markBusinessAsUsual', reason: 'Now part of the monthly performance meeting' }, p.admin.id);
    expect(view.state.closure).toMatchObject({ how: 'business_as_usual' });
    const irrelevant = await inProgress('No longer relevant', 2);
    view = await api.command(irrelevant, { type: 'markNoLongerRelevant', reason: 'The unit was disbanded' }, p.admin.id);
    expect(view.state.closure).toMatchObject({ how: 'no_longer_relevant' });
    view = await api.command(irrelevant, { type: 'reopen', reason: 'The unit was re-formed' }, p.admin.id);
    expect(view.status).toBe('reopened');
    await mailTo(p.owner, /^Reopened/);
    expect(await auditTypes(irrelevant)).toEqual(['recommendation_logged', 'owner_assigned', 'owner_accepted', 'closed', 'reopened']);
  });

  it('answers malformed commands with 400 naming the field, and refused ones with 409 and the reason', async () => {
    const id = await inspection('Bad commands', 2);
    const unknown = await api.refused(id, { type: 'teleport' }, p.admin.id);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors![0]!.field).toBe('body.type');
    const missing = await api.refused(id, { type: 'reject' }, p.admin.id);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toContainEqual(expect.objectContaining({ field: 'body.reasons' }));
    const early = await api.refused(id, { type: 'submitEvidence', summary: 'Too early' }, p.admin.id);
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/^Evidence cannot be submitted/);
    const self = await api.refused(id, { type: 'markSuperseded', supersededBy: id }, p.admin.id);
    expect(self.body.errors).toEqual([{ field: 'body.supersededBy', message: 'an item cannot supersede itself' }]);
  });

  it('tells a person which commands they may use now', async () => {
    const id = await inProgress('Available commands', 2);
    const asOwner = await api.get(id, p.owner.id);
    expect(asOwner.availableCommands).toEqual(expect.arrayContaining(['postUpdate', 'submitEvidence', 'requestExtension']));
    expect(asOwner.availableCommands).not.toContain('approve');
    const asDcc = await api.get(id, p.dcc.id);
    expect(asDcc.availableCommands).not.toContain('submitEvidence');
    await eventually(
      () => api.get(id),
      (v) => v.history.some((h) => h.type === 'owner_accepted'),
    );
  });
});
