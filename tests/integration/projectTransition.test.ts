import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createMailer } from '../../platform/email/mailer';
import { projectTransition, type ProjectedTransition } from '../../activities/projectTransition';
import { projectedTransition, type RecordTransitionInput } from '../../activities/recordTransition';
import { defaultRoutingRules } from '../../domain/approvalRouting';
import { standsInFor } from '../../domain/delegation';
import * as lifecycleEvents from '../../domain/lifecycle/events';
import {
  decide,
  type Actor,
  type Delegation,
  type LifecycleCommand,
  type RecommendationState,
  type RoutingItem,
} from '../../domain/lifecycle';
import type { IsoDate, Role } from '../../domain/vocabulary';
import {
  ApprovalRequest,
  ApprovalStep,
  EvidenceSubmission,
  ExtensionRequest,
  HmicfrsResponse,
  HmicfrsSubmission,
  ItemLink,
  Person,
  ProgressUpdate,
  Recommendation,
  RecommendationPart,
  SelfCertificationLetter,
} from '../../entities';
import { tokenFor } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Each accepted transition keeps the lifecycle's tables in step, in the transaction that records it. Real states
 * come from `decide` with a directory of people and delegations and the routing rules; every transition goes
 * through the real recordTransition activity, then again (a retried activity), then through the projection on its
 * own: the tables must look exactly as after the first write.
 */

const projectionTables = [
  'recommendation_parts',
  'progress_updates',
  'evidence_submissions',
  'extension_requests',
  'approval_requests',
  'approval_steps',
  'self_certification_letters',
  'hmicfrs_submissions',
  'hmicfrs_responses',
  'item_links',
] as const;

interface Item {
  id: string;
  state: RecommendationState;
  version: number;
  routing: Omit<RoutingItem, 'category'>;
}

describe('projections of lifecycle transitions', () => {
  let product: TestProduct;
  let activities: ReturnType<typeof createActivities>;
  const env = new MockActivityEnvironment();
  let admin: Person;
  let owner: Person;
  let lead: Person;
  let otherLead: Person;
  let dcc: Person;
  let acc: Person;
  let financeDirector: Person;
  let liaison: Person;
  let everyone: Person[];
  /** The DCC is on leave for March 2027; the ACC approves for them. */
  let delegations: Delegation[];

  beforeAll(async () => {
    product = await startTestProduct();
    activities = createActivities({
      dataSource: product.app.dataSource,
      mailer: createMailer(product.sink.url, 'Tracker <no-reply@tracker.test>'),
      links: { publicUrl: 'http://tracker.test', forceName: 'Test Constabulary' },
    });
    const people = product.app.dataSource.getRepository(Person);
    const person = (name: string, email: string, roles: Role[], jobTitle: string) =>
      people.save(people.create({ name, email, roles, jobTitle }));
    admin = await person('Priya Natarajan', 'priya.natarajan@test.police.uk', ['administrator'], 'Strategic Development Officer');
    owner = await person('Tom Ellery', 'tom.ellery@test.police.uk', ['action_owner'], 'Detective Chief Inspector');
    lead = await person('Nadia Haskins', 'nadia.haskins@test.police.uk', ['lead'], 'Detective Superintendent');
    otherLead = await person('Owen Pryce', 'owen.pryce@test.police.uk', ['lead'], 'Chief Superintendent');
    dcc = await person('Helen Marsh', 'helen.marsh@test.police.uk', ['dcc'], 'Deputy Chief Constable');
    acc = await person('Graham Osei', 'graham.osei@test.police.uk', ['lead'], 'Assistant Chief Constable');
    financeDirector = await person('Alan Whitby', 'alan.whitby@test.police.uk', ['finance_director'], 'Director of Finance');
    liaison = await person('Ruth Adebayo', 'ruth.adebayo@test.police.uk', ['liaison_lead'], 'Force Liaison Lead');
    everyone = [admin, owner, lead, otherLead, dcc, acc, financeDirector, liaison];
    delegations = [{ fromId: dcc.id, toId: acc.id, startsOn: '2027-03-01', endsOn: '2027-03-31' }];
  });

  afterAll(async () => {
    await product?.stop();
  });

  const manager = () => product.app.dataSource.manager;

  async function logReport(report: {
    title: string;
    originator: string;
    kind: string;
    items: { reference: string; text: string; category: number }[];
  }): Promise<string[]> {
    const response = await fetch(`${product.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(product, admin.id)}` },
      body: JSON.stringify({
        title: report.title,
        originator: report.originator,
        kind: report.kind,
        scope: 'force',
        publishedOn: '2026-10-01',
        recommendations: report.items.map((item) => ({ kind: 'recommendation', ...item })),
      }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { recommendations: { id: string; reference: string }[] };
    return report.items.map((item) => body.recommendations.find((created) => created.reference === item.reference)!.id);
  }

  async function item(id: string, routing: Omit<RoutingItem, 'category'>): Promise<Item> {
    const row = await manager().findOneByOrFail(Recommendation, { id });
    return { id, state: row.state, version: row.version, routing };
  }

  /** Every row of every projection table, as JSON: what "nothing new was written" is checked against. */
  async function snapshot(): Promise<Record<string, unknown[]>> {
    const tables: Record<string, unknown[]> = {};
    for (const table of projectionTables) {
      const rows = (await product.app.dataSource.query(`SELECT to_jsonb(t) AS "row" FROM "${table}" t ORDER BY t.id`)) as {
        row: unknown;
      }[];
      tables[table] = rows.map((r) => r.row);
    }
    return tables;
  }

  /**
   * Decides `command` as `by` on `today`, records it through the activity, and checks that the retried activity and
   * a second run of the projection change nothing.
   */
  async function act(target: Item, by: Person, command: LifecycleCommand, today: IsoDate): Promise<ProjectedTransition> {
    const actor: Actor = {
      personId: by.id,
      roles: by.roles,
      delegatesFor: standsInFor(by.id, delegations, today),
    };
    const decision = decide(target.state, command, {
      actor,
      today,
      now: `${today}T10:00:00.000Z`,
      directory: { people: everyone.map((p) => ({ id: p.id, roles: p.roles, active: p.active, name: p.name })), delegations },
      routing: { rules: defaultRoutingRules, item: target.routing },
    });
    if (!decision.accepted) throw new Error(decision.reason);
    const input: RecordTransitionInput = {
      commandId: randomUUID(),
      recommendationId: target.id,
      expectedVersion: target.version,
      actor,
      actorLabel: by.name,
      occurredAt: `${today}T10:00:00.000Z`,
      command,
      before: target.state,
      after: decision.state,
      events: decision.events,
    };
    await env.run(activities.recordTransition, input);
    const once = await snapshot();
    await env.run(activities.recordTransition, input);
    expect(await snapshot()).toEqual(once);
    await product.app.dataSource.transaction((tx) => projectTransition(tx, projectedTransition(input)));
    expect(await snapshot()).toEqual(once);
    target.state = decision.state;
    target.version++;
    return projectedTransition(input);
  }

  const parts = (recommendationId: string) =>
    manager().find(RecommendationPart, { where: { recommendationId }, order: { position: 'ASC' } });
  const updates = (recommendationId: string) => manager().find(ProgressUpdate, { where: { recommendationId }, order: { postedOn: 'ASC' } });
  const evidence = (recommendationId: string) =>
    manager().find(EvidenceSubmission, { where: { recommendationId }, order: { version: 'ASC' } });
  const extensions = (recommendationId: string) =>
    manager().find(ExtensionRequest, { where: { recommendationId }, order: { createdAt: 'ASC' } });
  const letters = (recommendationId: string) =>
    manager().find(SelfCertificationLetter, { where: { recommendationId }, order: { createdAt: 'ASC' } });
  const submissions = (recommendationId: string) =>
    manager().find(HmicfrsSubmission, { where: { recommendationId }, order: { createdAt: 'ASC' } });
  const responses = (recommendationId: string) =>
    manager().find(HmicfrsResponse, { where: { recommendationId }, order: { createdAt: 'ASC' } });
  const links = (fromRecommendationId: string) => manager().find(ItemLink, { where: { fromRecommendationId } });
  const requests = (recommendationId: string, kind: 'closure' | 'extension') =>
    manager().find(ApprovalRequest, { where: { recommendationId, kind }, order: { createdAt: 'ASC' } });
  const steps = (approvalRequestId: string) =>
    manager().find(ApprovalStep, { where: { approvalRequestId }, order: { position: 'ASC', round: 'ASC' } });

  it('follows an HMICFRS item from assignment through extension, parts, approvals, rejection, letters and HMICFRS to sign-off', async () => {
    const [id] = await logReport({
      title: 'PEEL 2025–27: An inspection of Test Constabulary',
      originator: 'HMICFRS',
      kind: 'inspection',
      items: [
        { reference: 'AFI 4', text: 'The force should improve how it supervises investigations of stalking and harassment.', category: 3 },
      ],
    });
    const a = await item(id!, { originator: 'HMICFRS', sourceKind: 'inspection' });

    await act(a, admin, { type: 'assign', ownerId: owner.id, leadId: lead.id, dueDate: '2027-03-31' }, '2026-11-23');
    await act(a, owner, { type: 'accept' }, '2026-11-24');
    for (const table of projectionTables) {
      expect(await product.app.dataSource.query(`SELECT count(*)::int AS n FROM "${table}"`)).toEqual([{ n: 0 }]);
    }

    // A progress update.
    const posted = await act(
      a,
      owner,
      { type: 'postUpdate', text: 'Supervision checklist drafted; training for sergeants booked for January.' },
      '2026-12-01',
    );
    expect(await updates(a.id)).toEqual([
      expect.objectContaining({
        text: 'Supervision checklist drafted; training for sergeants booked for January.',
        authorId: owner.id,
        postedOn: '2026-12-01',
        transitionId: posted.transitionId,
      }),
    ]);

    // An extension, asked of the lead and approved.
    const asked = await act(
      a,
      owner,
      { type: 'requestExtension', newDueDate: '2027-06-30', reason: 'The training provider moved the course to April' },
      '2027-01-10',
    );
    const [extension] = await extensions(a.id);
    expect(extension).toMatchObject({
      previousDueDate: '2027-03-31',
      requestedDueDate: '2027-06-30',
      reason: 'The training provider moved the course to April',
      requestedBy: owner.id,
      requestedOn: '2027-01-10',
      status: 'pending',
      decidedOn: null,
      openedTransitionId: asked.transitionId,
    });
    const [extensionApproval] = await requests(a.id, 'extension');
    expect(extensionApproval).toMatchObject({
      routeId: 'extension-lead',
      startedOn: '2027-01-10',
      status: 'open',
      extensionRequestId: extension!.id,
      finishedOn: null,
    });
    expect(await steps(extensionApproval!.id)).toEqual([
      expect.objectContaining({
        position: 0,
        round: 1,
        step: { kind: 'lead' },
        approverId: lead.id,
        onBehalfOf: null,
        openedOn: '2027-01-10',
        decision: null,
      }),
    ]);

    const decided = await act(a, lead, { type: 'decideExtension', approved: true, reason: 'Reasonable' }, '2027-01-12');
    expect(await extensions(a.id)).toEqual([
      expect.objectContaining({
        status: 'approved',
        decidedOn: '2027-01-12',
        decidedBy: lead.id,
        decisionReason: null,
        closedTransitionId: decided.transitionId,
      }),
    ]);
    expect(await requests(a.id, 'extension')).toEqual([expect.objectContaining({ status: 'approved', finishedOn: '2027-01-12' })]);
    expect(await steps(extensionApproval!.id)).toEqual([
      expect.objectContaining({ decision: 'approved', decidedBy: lead.id, decidedOn: '2027-01-12' }),
    ]);

    // Parts, amended and progressed to complete.
    await act(
      a,
      admin,
      { type: 'addPart', reference: 'AFI 4a', text: 'Supervisors review every stalking investigation within 7 days.' },
      '2027-01-15',
    );
    await act(a, admin, { type: 'addPart', reference: 'AFI 4b', text: 'Investigation plans are recorded.' }, '2027-01-15');
    expect((await parts(a.id)).map((p) => [p.reference, p.status, p.position])).toEqual([
      ['AFI 4a', 'not_started', 0],
      ['AFI 4b', 'not_started', 1],
    ]);
    await act(
      a,
      admin,
      {
        type: 'amendText',
        partReference: 'AFI 4b',
        text: 'Investigation plans are recorded on Niche within 48 hours.',
        reason: 'Wording agreed with HMICFRS',
      },
      '2027-01-16',
    );
    await act(a, owner, { type: 'updatePart', reference: 'AFI 4a', status: 'in_progress' }, '2027-02-01');
    expect((await parts(a.id)).map((p) => [p.reference, p.text, p.status])).toEqual([
      ['AFI 4a', 'Supervisors review every stalking investigation within 7 days.', 'in_progress'],
      ['AFI 4b', 'Investigation plans are recorded on Niche within 48 hours.', 'not_started'],
    ]);
    await act(a, owner, { type: 'updatePart', reference: 'AFI 4a', status: 'complete' }, '2027-02-15');
    await act(a, owner, { type: 'updatePart', reference: 'AFI 4b', status: 'complete' }, '2027-02-20');
    expect((await parts(a.id)).map((p) => p.status)).toEqual(['complete', 'complete']);

    // Evidence goes to the lead, then the DCC, who rejects it.
    const submitted = await act(
      a,
      owner,
      { type: 'submitEvidence', summary: 'Dip sample of 40 investigations: 38 reviewed within 7 days' },
      '2027-02-24',
    );
    expect(await evidence(a.id)).toEqual([
      expect.objectContaining({
        version: 1,
        kind: 'submitted',
        summary: 'Dip sample of 40 investigations: 38 reviewed within 7 days',
        submittedBy: owner.id,
        submittedOn: '2027-02-24',
        transitionId: submitted.transitionId,
      }),
    ]);
    const [firstClosure] = await requests(a.id, 'closure');
    expect(firstClosure).toMatchObject({
      routeId: 'hmicfrs-inspection',
      startedOn: '2027-02-24',
      status: 'open',
      extensionRequestId: null,
      openedTransitionId: submitted.transitionId,
    });
    expect(await steps(firstClosure!.id)).toEqual([
      expect.objectContaining({
        position: 0,
        round: 1,
        step: { kind: 'lead' },
        approverId: lead.id,
        openedOn: '2027-02-24',
        decision: null,
      }),
      expect.objectContaining({
        position: 1,
        round: 1,
        step: { kind: 'role', role: 'dcc' },
        approverId: null,
        openedOn: null,
        decision: null,
      }),
    ]);

    await act(a, lead, { type: 'approve', comment: 'Good sample' }, '2027-02-25');
    expect(await steps(firstClosure!.id)).toEqual([
      expect.objectContaining({ position: 0, decision: 'approved', decidedBy: lead.id, decidedOn: '2027-02-25', comment: 'Good sample' }),
      expect.objectContaining({ position: 1, approverId: dcc.id, onBehalfOf: null, openedOn: '2027-02-25', decision: null }),
    ]);

    await act(a, dcc, { type: 'reject', reasons: 'Two of the 40 were not reviewed; show the fix for those' }, '2027-02-27');
    expect(await requests(a.id, 'closure')).toEqual([
      expect.objectContaining({ id: firstClosure!.id, status: 'rejected', finishedOn: '2027-02-27' }),
    ]);
    expect(await steps(firstClosure!.id)).toEqual([
      expect.objectContaining({ position: 0, decision: 'approved' }),
      expect.objectContaining({
        position: 1,
        decision: 'rejected',
        decidedBy: dcc.id,
        decidedOn: '2027-02-27',
        comment: 'Two of the 40 were not reviewed; show the fix for those',
      }),
    ]);

    // Resubmitted; the lead approves, then the evidence changes and the lead is asked again; the DCC is away, so the ACC approves for them.
    await act(
      a,
      owner,
      { type: 'submitEvidence', summary: 'Dip sample of 40 investigations, plus the two exceptions reviewed' },
      '2027-03-02',
    );
    await act(a, lead, { type: 'approve' }, '2027-03-03');
    const secondClosure = (await requests(a.id, 'closure'))[1]!;
    expect(secondClosure).toMatchObject({ status: 'open', startedOn: '2027-03-02' });
    expect(await steps(secondClosure.id)).toEqual([
      expect.objectContaining({ position: 0, round: 1, decision: 'approved', decidedBy: lead.id }),
      expect.objectContaining({ position: 1, round: 1, approverId: acc.id, onBehalfOf: dcc.id, openedOn: '2027-03-03' }),
    ]);

    await act(
      a,
      owner,
      { type: 'amendEvidence', summary: 'Dip sample of 40 investigations, the two exceptions reviewed, and the new supervision policy' },
      '2027-03-04',
    );
    expect((await evidence(a.id)).map((e) => [e.version, e.kind, e.submittedOn])).toEqual([
      [1, 'submitted', '2027-02-24'],
      [2, 'submitted', '2027-03-02'],
      [3, 'amended', '2027-03-04'],
    ]);
    expect(await steps(secondClosure.id)).toEqual([
      expect.objectContaining({
        position: 0,
        round: 1,
        approverId: lead.id,
        decision: 'outdated',
        decidedBy: lead.id,
        decidedOn: '2027-03-03',
      }),
      expect.objectContaining({ position: 0, round: 2, approverId: lead.id, openedOn: '2027-03-04', decision: null }),
      expect.objectContaining({ position: 1, round: 1, approverId: null, onBehalfOf: null, openedOn: null, decision: null }),
    ]);

    await act(a, lead, { type: 'approve', comment: 'Policy seen' }, '2027-03-05');
    await act(a, acc, { type: 'approve', comment: 'Approved for the DCC' }, '2027-03-08');
    expect(await requests(a.id, 'closure')).toEqual([
      expect.objectContaining({ status: 'rejected' }),
      expect.objectContaining({ id: secondClosure.id, status: 'approved', finishedOn: '2027-03-08' }),
    ]);
    expect(await steps(secondClosure.id)).toEqual([
      expect.objectContaining({ position: 0, round: 1, decision: 'outdated' }),
      expect.objectContaining({
        position: 0,
        round: 2,
        decision: 'approved',
        decidedBy: lead.id,
        decidedOn: '2027-03-05',
        comment: 'Policy seen',
      }),
      expect.objectContaining({
        position: 1,
        round: 1,
        approverId: acc.id,
        onBehalfOf: dcc.id,
        openedOn: '2027-03-05',
        decision: 'approved',
        decidedBy: acc.id,
        decidedOn: '2027-03-08',
        comment: 'Approved for the DCC',
      }),
    ]);

    // Self-certified (category 3), submitted to HMICFRS, not accepted.
    const certified = await act(
      a,
      admin,
      {
        type: 'selfCertify',
        signatory: 'Chief Constable Sarah Lyle',
        signatoryRole: 'Chief Constable',
        letterReference: 'CC/2027/031',
        signedOn: '2027-03-09',
      },
      '2027-03-10',
    );
    expect(await letters(a.id)).toEqual([
      expect.objectContaining({
        signatory: 'Chief Constable Sarah Lyle',
        signatoryRole: 'Chief Constable',
        letterReference: 'CC/2027/031',
        signedOn: '2027-03-09',
        recordedBy: admin.id,
        transitionId: certified.transitionId,
      }),
    ]);
    await act(a, liaison, { type: 'submitToHmicfrs', reference: 'HMICFRS/PEEL/AFI4' }, '2027-03-12');
    expect(await submissions(a.id)).toEqual([
      expect.objectContaining({ submittedOn: '2027-03-12', submittedBy: liaison.id, reference: 'HMICFRS/PEEL/AFI4' }),
    ]);

    await act(
      a,
      liaison,
      { type: 'recordHmicfrsResponse', outcome: 'not_accepted', reasons: 'The dip sample predates the new policy' },
      '2027-04-20',
    );
    expect(await responses(a.id)).toEqual([
      expect.objectContaining({
        outcome: 'not_accepted',
        reasons: 'The dip sample predates the new policy',
        recordedOn: '2027-04-20',
        recordedBy: liaison.id,
        visitedOn: null,
      }),
    ]);
    expect((await requests(a.id, 'closure')).map((r) => r.status)).toEqual(['rejected', 'outdated']);

    // Round two: new evidence, lead and (back from leave) DCC approve, a new letter, HMICFRS will reality-test it, then signs it off.
    await act(
      a,
      owner,
      { type: 'submitEvidence', summary: 'Dip sample of 50 investigations after the new policy: all reviewed within 7 days' },
      '2027-05-03',
    );
    await act(a, lead, { type: 'approve' }, '2027-05-04');
    await act(a, dcc, { type: 'approve' }, '2027-05-06');
    const thirdClosure = (await requests(a.id, 'closure'))[2]!;
    expect(thirdClosure).toMatchObject({ status: 'approved', startedOn: '2027-05-03', finishedOn: '2027-05-06' });
    expect(await steps(thirdClosure.id)).toEqual([
      expect.objectContaining({ position: 0, approverId: lead.id, decision: 'approved' }),
      expect.objectContaining({ position: 1, approverId: dcc.id, onBehalfOf: null, decision: 'approved', decidedBy: dcc.id }),
    ]);
    expect((await evidence(a.id)).map((e) => e.version)).toEqual([1, 2, 3, 4]);

    await act(
      a,
      dcc,
      { type: 'selfCertify', signatory: 'Chief Constable Sarah Lyle', signatoryRole: 'Chief Constable', letterReference: 'CC/2027/058' },
      '2027-05-10',
    );
    await act(a, liaison, { type: 'submitToHmicfrs' }, '2027-05-12');
    await act(
      a,
      liaison,
      { type: 'recordHmicfrsResponse', outcome: 'reality_test', reasons: 'To be checked at the 2027 PEEL fieldwork' },
      '2027-06-01',
    );
    await act(a, liaison, { type: 'recordHmicfrsResponse', outcome: 'signed_off', reasons: 'Seen during fieldwork' }, '2027-09-15');
    expect(a.state.status).toBe('closed');
    expect((await letters(a.id)).map((l) => [l.letterReference, l.signedOn, l.recordedBy])).toEqual([
      ['CC/2027/031', '2027-03-09', admin.id],
      ['CC/2027/058', '2027-05-10', dcc.id],
    ]);
    expect((await submissions(a.id)).map((s) => [s.submittedOn, s.reference])).toEqual([
      ['2027-03-12', 'HMICFRS/PEEL/AFI4'],
      ['2027-05-12', null],
    ]);
    expect((await responses(a.id)).map((r) => [r.outcome, r.reasons, r.recordedOn])).toEqual([
      ['not_accepted', 'The dip sample predates the new policy', '2027-04-20'],
      ['reality_test', 'To be checked at the 2027 PEEL fieldwork', '2027-06-01'],
      ['signed_off', 'Seen during fieldwork', '2027-09-15'],
    ]);
    // Closing keeps the approved chain: it stays approved.
    expect((await requests(a.id, 'closure')).map((r) => r.status)).toEqual(['rejected', 'outdated', 'approved']);
    expect(await updates(a.id)).toHaveLength(1);
    expect(await extensions(a.id)).toHaveLength(1);
  });

  it('routes an audit action to the finance director, refuses one extension and lets a reassignment lapse another', async () => {
    const [id] = await logReport({
      title: 'Internal audit: payroll controls',
      originator: 'Mazars',
      kind: 'internal_audit',
      items: [{ reference: '2.1', text: 'Overtime claims should be approved by a line manager before payment.', category: 2 }],
    });
    const b = await item(id!, { originator: 'Mazars', sourceKind: 'internal_audit' });
    await act(b, admin, { type: 'assign', ownerId: owner.id, leadId: lead.id, dueDate: '2027-01-29' }, '2026-11-23');

    await act(
      b,
      owner,
      { type: 'requestExtension', newDueDate: '2027-04-30', reason: 'The new payroll system goes live in April' },
      '2026-12-01',
    );
    const refused = await act(
      b,
      lead,
      { type: 'decideExtension', approved: false, reason: 'The audit committee expects this by January' },
      '2026-12-03',
    );
    expect(await extensions(b.id)).toEqual([
      expect.objectContaining({
        status: 'refused',
        decidedBy: lead.id,
        decidedOn: '2026-12-03',
        decisionReason: 'The audit committee expects this by January',
        closedTransitionId: refused.transitionId,
      }),
    ]);
    const [refusedApproval] = await requests(b.id, 'extension');
    expect(refusedApproval).toMatchObject({ status: 'rejected', finishedOn: '2026-12-03' });
    expect(await steps(refusedApproval!.id)).toEqual([
      expect.objectContaining({
        approverId: lead.id,
        decision: 'rejected',
        decidedBy: lead.id,
        comment: 'The audit committee expects this by January',
      }),
    ]);

    await act(
      b,
      owner,
      { type: 'requestExtension', newDueDate: '2027-02-26', reason: 'Four weeks to retrain line managers' },
      '2026-12-10',
    );
    expect((await extensions(b.id)).map((e) => e.status)).toEqual(['refused', 'pending']);
    await act(b, admin, { type: 'assign', ownerId: owner.id, leadId: otherLead.id, dueDate: '2027-03-31' }, '2026-12-14');
    expect((await extensions(b.id))[1]).toMatchObject({
      requestedDueDate: '2027-02-26',
      status: 'lapsed',
      decidedOn: '2026-12-14',
      decidedBy: admin.id,
      decisionReason: 'Withdrawn: the item was assigned again, due 2027-03-31',
    });
    expect((await requests(b.id, 'extension')).map((r) => [r.status, r.finishedOn])).toEqual([
      ['rejected', '2026-12-03'],
      ['cancelled', '2026-12-14'],
    ]);

    await act(b, owner, { type: 'accept' }, '2026-12-15');
    await act(
      b,
      owner,
      { type: 'submitEvidence', summary: 'Payroll report: every overtime claim since January approved before payment' },
      '2027-03-01',
    );
    const [closure] = await requests(b.id, 'closure');
    expect(closure).toMatchObject({ routeId: 'audit-action', status: 'open' });
    expect((await steps(closure!.id)).map((s) => [s.step, s.approverId])).toEqual([
      [{ kind: 'lead' }, otherLead.id],
      [{ kind: 'role', role: 'finance_director' }, null],
    ]);
    await act(b, otherLead, { type: 'approve' }, '2027-03-02');
    await act(b, financeDirector, { type: 'approve' }, '2027-03-03');
    expect((await steps(closure!.id)).map((s) => [s.approverId, s.decision, s.decidedBy])).toEqual([
      [otherLead.id, 'approved', otherLead.id],
      [financeDirector.id, 'approved', financeDirector.id],
    ]);

    // Category 2: the letter closes it.
    await act(b, admin, { type: 'selfCertify', signatory: 'Alan Whitby', signatoryRole: 'Director of Finance' }, '2027-03-04');
    expect(b.state.status).toBe('closed');
    expect(await letters(b.id)).toEqual([
      expect.objectContaining({
        signatory: 'Alan Whitby',
        signatoryRole: 'Director of Finance',
        letterReference: null,
        signedOn: '2027-03-04',
      }),
    ]);
    expect(await requests(b.id, 'closure')).toEqual([expect.objectContaining({ status: 'approved', finishedOn: '2027-03-03' })]);
    expect(await submissions(b.id)).toEqual([]);
  });

  it('links a superseded item to the item that replaced it, lapsing its pending extension, and unlinks it when reopened', async () => {
    const [oldId] = await logReport({
      title: 'Stalking and harassment: an inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      items: [{ reference: '3', text: 'Forces should review how they use stalking protection orders.', category: 3 }],
    });
    const [newId] = await logReport({
      title: 'Stalking and harassment: a thematic re-inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      items: [{ reference: '1', text: 'Forces should apply for stalking protection orders in every eligible case.', category: 3 }],
    });
    const c = await item(oldId!, { originator: 'HMICFRS', sourceKind: 'inspection' });
    await act(c, admin, { type: 'assign', ownerId: owner.id, leadId: lead.id, dueDate: '2027-02-26' }, '2026-11-23');
    await act(c, owner, { type: 'accept' }, '2026-11-24');
    await act(
      c,
      owner,
      { type: 'requestExtension', newDueDate: '2027-05-28', reason: 'Waiting for the re-inspection report' },
      '2026-12-01',
    );

    const superseded = await act(
      c,
      admin,
      { type: 'markSuperseded', supersededBy: newId!, reason: 'Replaced by recommendation 1 of the re-inspection' },
      '2026-12-05',
    );
    expect(await links(c.id)).toEqual([
      expect.objectContaining({
        toRecommendationId: newId,
        kind: 'superseded_by',
        createdOn: '2026-12-05',
        transitionId: superseded.transitionId,
      }),
    ]);
    expect(await extensions(c.id)).toEqual([
      expect.objectContaining({ status: 'lapsed', decisionReason: 'Withdrawn: the item was closed (superseded)' }),
    ]);
    expect(await requests(c.id, 'extension')).toEqual([expect.objectContaining({ status: 'cancelled', finishedOn: '2026-12-05' })]);

    await act(c, admin, { type: 'reopen', reason: 'The re-inspection did not cover protection orders after all' }, '2026-12-08');
    expect(await links(c.id)).toEqual([]);

    // Superseded by something the product does not track: the state keeps the words, no link is made.
    await act(c, admin, { type: 'markSuperseded', supersededBy: 'National stalking action plan, action 7' }, '2026-12-09');
    expect(c.state.closure?.supersededBy).toBe('National stalking action plan, action 7');
    expect(await links(c.id)).toEqual([]);
  });

  it('writes a request that was made before its tables existed when the request is decided', async () => {
    const [id] = await logReport({
      title: 'Custody: an inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      items: [
        { reference: '5', text: 'The force should make sure detainees are offered a rights leaflet they can understand.', category: 3 },
      ],
    });
    const d = await item(id!, { originator: 'HMICFRS', sourceKind: 'inspection' });
    await act(d, admin, { type: 'assign', ownerId: owner.id, leadId: lead.id, dueDate: '2027-01-29' }, '2026-11-23');
    await act(
      d,
      owner,
      { type: 'requestExtension', newDueDate: '2027-03-31', reason: 'Easy-read leaflets are being translated' },
      '2026-12-01',
    );
    // As if the request had been recorded before this projection existed.
    const [approval] = await requests(d.id, 'extension');
    await manager().delete(ApprovalRequest, { id: approval!.id });
    await manager().delete(ExtensionRequest, { recommendationId: d.id });

    const decided = await act(d, lead, { type: 'decideExtension', approved: true }, '2026-12-02');
    expect(await extensions(d.id)).toEqual([
      expect.objectContaining({
        requestedDueDate: '2027-03-31',
        previousDueDate: '2027-01-29',
        requestedOn: '2026-12-01',
        requestedBy: owner.id,
        status: 'approved',
        decidedBy: lead.id,
        decidedOn: '2026-12-02',
        openedTransitionId: `${decided.transitionId}:earlier`,
        closedTransitionId: decided.transitionId,
      }),
    ]);
    const [written] = await requests(d.id, 'extension');
    expect(written).toMatchObject({
      routeId: 'extension-lead',
      startedOn: '2026-12-01',
      status: 'approved',
      finishedOn: '2026-12-02',
      extensionRequestId: (await extensions(d.id))[0]!.id,
    });
    expect(await steps(written!.id)).toEqual([
      expect.objectContaining({ approverId: lead.id, openedOn: '2026-12-01', decision: 'approved', decidedBy: lead.id }),
    ]);
  });

  /** The item's rows in every projection table, less what differs between items (row, item and transition ids, times). */
  async function rowsOf(recommendationId: string): Promise<Record<string, string[]>> {
    const owned: Partial<Record<(typeof projectionTables)[number], string>> = {
      approval_steps: 'approval_request_id IN (SELECT id FROM approval_requests WHERE recommendation_id = $1)',
      item_links: 'from_recommendation_id = $1',
    };
    const perItem =
      /^(id|created_at|updated_at|recommendation_id|from_recommendation_id|approval_request_id|extension_request_id|.*transition_id)$/;
    const tables: Record<string, string[]> = {};
    for (const table of projectionTables) {
      const rows = (await product.app.dataSource.query(
        `SELECT to_jsonb(t) AS "row" FROM "${table}" t WHERE ${owned[table] ?? 'recommendation_id = $1'}`,
        [recommendationId],
      )) as {
        row: Record<string, unknown>;
      }[];
      tables[table] = rows
        .map(({ row }) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([key]) => !perItem.test(key)))))
        .sort();
    }
    return tables;
  }

  it('projects the same rows whatever the sentences describing the events say', async () => {
    const [plainId, rewordedId] = await logReport({
      title: 'Vetting: an inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      items: [
        { reference: '7', text: 'The force should vet every officer before they start.', category: 3 },
        { reference: '8', text: 'The force should vet every officer before they start.', category: 3 },
      ],
    });
    const routing = { originator: 'HMICFRS', sourceKind: 'inspection' } as const;
    // The two transitions that once had their data cut out of the sentence: a refused extension and a reality test.
    const journey = async (target: Item) => {
      await act(target, admin, { type: 'assign', ownerId: owner.id, leadId: lead.id, dueDate: '2027-01-29' }, '2026-11-23');
      await act(target, owner, { type: 'accept' }, '2026-11-24');
      await act(target, owner, { type: 'postUpdate', text: 'Vetting backlog cleared' }, '2026-11-25');
      await act(
        target,
        owner,
        { type: 'requestExtension', newDueDate: '2027-04-30', reason: 'The vetting unit is short of staff' },
        '2026-12-01',
      );
      await act(target, lead, { type: 'decideExtension', approved: false, reason: 'The backlog is already cleared' }, '2026-12-03');
      await act(
        target,
        owner,
        { type: 'requestExtension', newDueDate: '2027-02-26', reason: 'Four weeks for the last checks' },
        '2026-12-10',
      );
      await act(target, lead, { type: 'decideExtension', approved: true, reason: 'Fair' }, '2026-12-11');
      await act(target, owner, { type: 'submitEvidence', summary: 'Every officer vetted; audit of 100 files attached' }, '2027-01-05');
      await act(target, lead, { type: 'approve', comment: 'Files seen' }, '2027-01-06');
      await act(target, dcc, { type: 'approve' }, '2027-01-07');
      await act(target, admin, { type: 'selfCertify', signatory: 'Chief Constable Sarah Lyle' }, '2027-01-08');
      await act(target, liaison, { type: 'submitToHmicfrs', reference: 'HMICFRS/VET/7' }, '2027-01-10');
      await act(
        target,
        liaison,
        { type: 'recordHmicfrsResponse', outcome: 'reality_test', reasons: 'To be checked at the next vetting inspection' },
        '2027-02-01',
      );
      await act(target, liaison, { type: 'recordHmicfrsResponse', outcome: 'signed_off', reasons: 'Checked' }, '2027-05-03');
    };

    await journey(await item(plainId!, routing));
    const reworded = jest.spyOn(lifecycleEvents, 'describeEvent').mockReturnValue('Something happened');
    try {
      await journey(await item(rewordedId!, routing));
    } finally {
      reworded.mockRestore();
    }

    const summaries = async (recommendationId: string) =>
      (
        (await product.app.dataSource.query(
          `SELECT DISTINCT summary FROM audit_events WHERE recommendation_id = $1 AND idempotency_key LIKE 'command:%'`,
          [recommendationId],
        )) as { summary: string }[]
      ).map((row) => row.summary);
    expect(await summaries(rewordedId!)).toEqual(['Something happened']);
    expect(await summaries(plainId!)).toContain(
      'Extension to 2027-04-30 refused by Nadia Haskins: The backlog is already cleared; the due date stays 2027-01-29',
    );
    const plain = await rowsOf(plainId!);
    expect(plain.extension_requests).toHaveLength(2);
    expect(plain.hmicfrs_responses).toHaveLength(2);
    expect(await rowsOf(rewordedId!)).toEqual(plain);
  });
});
