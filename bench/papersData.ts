import { randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import { calendarDateInLondon } from '../domain/calendar';
import type { CommandContext, Directory, LifecycleCommand, RecommendationState } from '../domain/lifecycle';
import { decide, describeEvent, initialState } from '../domain/lifecycle';
import type { ClosureCategory, ItemKind, Role, SourceKind } from '../domain/vocabulary';

/**
 * Generates a force's audit trail for the papers benchmark: reports published over ten years, each item driven
 * through the real lifecycle rules (domain/lifecycle/ `decide`) at realistic intervals, so every audit event has
 * the shape the product writes. Deterministic for a given seed. The number of events is made exact by adding
 * progress updates while items are in progress.
 */

export interface GeneratedTrail {
  reports: number;
  items: number;
  events: number;
  people: number;
}

const DAY = 86_400_000;
const START = Date.parse('2016-01-04T09:00:00Z');
const END = Date.parse('2025-12-31T17:00:00Z');

/** mulberry32: small, fast and good enough to pick dates and paths. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface BenchPerson {
  id: string;
  name: string;
  roles: Role[];
}

function makePeople(rand: () => number): BenchPerson[] {
  const first = [
    'Alex',
    'Sam',
    'Jo',
    'Chris',
    'Pat',
    'Morgan',
    'Jamie',
    'Robin',
    'Leigh',
    'Danny',
    'Helen',
    'Mark',
    'Julia',
    'Adrian',
    'Janet',
    'Maria',
  ];
  const last = [
    'Griffin',
    'Sanders',
    'Foy',
    'Dawkins',
    'Pearson',
    'Carlin',
    'Adams',
    'Fox',
    'Mair',
    'Pollock',
    'Debenham',
    'Harris',
    'Baker',
    'Morris',
  ];
  const name = () => `${first[Math.floor(rand() * first.length)]} ${last[Math.floor(rand() * last.length)]}`;
  const people: BenchPerson[] = [
    { id: randomUUID(), name: 'Corporate Development', roles: ['administrator'] },
    { id: randomUUID(), name: 'DCC Rachel Barber', roles: ['dcc'] },
    { id: randomUUID(), name: 'ACO Paul Dawkins', roles: ['finance_director'] },
    { id: randomUUID(), name: 'Force Liaison Lead', roles: ['liaison_lead'] },
  ];
  for (let i = 0; i < 12; i++) people.push({ id: randomUUID(), name: `Supt ${name()}`, roles: ['lead'] });
  for (let i = 0; i < 60; i++) people.push({ id: randomUUID(), name: name(), roles: ['action_owner'] });
  return people;
}

interface Event {
  occurredAt: number;
  actorId: string | null;
  entityType: 'recommendation' | 'source_report';
  entityId: string;
  recommendationId: string | null;
  type: string;
  summary: string;
  before: object | null;
  after: object | null;
}

const sentence = (rand: () => number, words: number): string => {
  const vocabulary = [
    'chief',
    'constables',
    'should',
    'ensure',
    'that',
    'forces',
    'review',
    'their',
    'processes',
    'for',
    'victims',
    'of',
    'crime',
    'and',
    'make',
    'sure',
    'officers',
    'record',
    'the',
    'outcome',
    'within',
    'six',
    'months',
    'safeguarding',
    'vulnerable',
    'people',
    'data',
    'is',
    'accurate',
  ];
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(vocabulary[Math.floor(rand() * vocabulary.length)]!);
  const text = out.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
};

interface Plan {
  at: number;
  actor: BenchPerson;
  command: LifecycleCommand;
}

interface ItemFacts {
  id: string;
  reportId: string;
  reference: string;
  kind: ItemKind;
  text: string;
  forTheForce: boolean;
  category: ClosureCategory;
  loggedAt: number;
}

const isoDay = (at: number) => calendarDateInLondon(at);

/** The commands one item receives over its life, each with its time; updates are added in the in-progress window. */
function planItem(
  facts: ItemFacts,
  sourceKind: SourceKind,
  rand: () => number,
  people: BenchPerson[],
  extraUpdates: number,
): { plan: Plan[]; updateSlots: number } {
  const admin = people[0]!;
  const dcc = people[1]!;
  const finance = people[2]!;
  const liaison = people[3]!;
  const leads = people.filter((p) => p.roles.includes('lead'));
  const owners = people.filter((p) => p.roles.includes('action_owner'));
  const owner = owners[Math.floor(rand() * owners.length)]!;
  const lead = leads[Math.floor(rand() * leads.length)]!;
  const days = (min: number, max: number) => Math.round((min + rand() * (max - min)) * DAY + rand() * 6 * 3_600_000);
  const plan: Plan[] = [];
  let at = facts.loggedAt;
  const push = (gap: number, actor: BenchPerson, command: LifecycleCommand) => {
    at += gap;
    plan.push({ at, actor, command });
  };

  if (!facts.forTheForce) {
    push(days(1, 20), admin, { type: 'markNotForTheForce', reason: 'Addressed to a national body; tracked for awareness only' });
    return { plan, updateSlots: 0 };
  }
  if (facts.category === 1) {
    push(days(5, 60), admin, { type: 'closeNoActionRequired', reason: 'No action required of the force' });
    return { plan, updateSlots: 0 };
  }
  push(days(5, 45), admin, { type: 'assign', ownerId: owner.id, leadId: lead.id, dueDate: isoDay(at + days(150, 540)) });
  push(days(1, 14), owner, { type: 'accept' });
  const windowStart = at;
  const workDays = 60 + rand() * 700;
  const baseUpdates = Math.floor(rand() * 3);
  for (let i = 0; i < baseUpdates; i++)
    push(days(workDays / (baseUpdates + 2), workDays / (baseUpdates + 1)), owner, { type: 'postUpdate', text: sentence(rand, 14) });
  if (rand() < 0.1) push(days(5, 30), owner, { type: 'flagAtRisk', reason: 'Waiting on a national product' });
  if (rand() < 0.25) {
    const requestAt = at + days(10, 60);
    plan.push({
      at: requestAt,
      actor: owner,
      command: { type: 'requestExtension', newDueDate: '__later__', reason: 'Dependent on regional meetings' },
    });
    at = requestAt;
    push(days(2, 20), lead, { type: 'decideExtension', approved: true });
  }
  push(days(20, 120), owner, { type: 'submitEvidence', summary: 'Policy published and briefed; dip sample attached.' });
  const windowEnd = at;
  if (rand() < 0.1) {
    push(days(5, 30), lead, { type: 'reject', reasons: 'The dip sample is too small' });
    push(days(20, 90), owner, { type: 'submitEvidence', summary: 'Larger dip sample attached.' });
  }
  const secondApprover = sourceKind === 'internal_audit' || sourceKind === 'external_audit' ? finance : dcc;
  push(days(3, 30), lead, { type: 'approve', comment: 'Supports completion' });
  push(days(3, 30), secondApprover, { type: 'approve' });
  push(days(3, 20), dcc, { type: 'selfCertify', signatory: 'Chief Constable', letterReference: `CC/${facts.reference}` });
  if (facts.category === 3) {
    push(days(10, 60), liaison, { type: 'submitToHmicfrs', reference: `HMICFRS/${facts.reference}` });
    if (rand() < 0.15) push(days(20, 120), liaison, { type: 'recordHmicfrsResponse', outcome: 'reality_test' });
    push(days(30, 300), liaison, { type: 'recordHmicfrsResponse', outcome: 'signed_off' });
  } else if (facts.category === 4) {
    push(days(30, 200), liaison, { type: 'recordVerificationVisit', visitedOn: '__today__' });
    push(days(10, 90), liaison, { type: 'recordHmicfrsResponse', outcome: 'signed_off' });
  }

  // Extra progress updates, spread evenly through the window in which the owner works on it.
  const end = Math.min(windowEnd, END);
  for (let i = 1; i <= extraUpdates; i++) {
    plan.push({
      at: windowStart + Math.floor(((end - windowStart) * i) / (extraUpdates + 1)),
      actor: owner,
      command: { type: 'postUpdate', text: sentence(rand, 12) },
    });
  }
  plan.sort((a, b) => a.at - b.at);
  return { plan, updateSlots: windowStart < END ? 1 : 0 };
}

/** Runs one item's plan through the lifecycle rules, up to the end of the history. */
function runItem(facts: ItemFacts, sourceKind: SourceKind, plan: Plan[], directory: Directory, events: Event[]): void {
  const loggedState = initialState(facts.id, facts.category);
  events.push({
    occurredAt: facts.loggedAt,
    actorId: null,
    entityType: 'recommendation',
    entityId: facts.id,
    recommendationId: facts.id,
    type: 'recommendation_logged',
    summary: `Logged ${facts.kind.replace(/_/g, ' ')} ${facts.reference}`,
    before: null,
    after: {
      reportId: facts.reportId,
      reference: facts.reference,
      kind: facts.kind,
      text: facts.text,
      addressedTo: facts.forTheForce ? '' : 'the Home Office',
      forTheForce: facts.forTheForce,
      category: facts.category,
      department: null,
      status: 'logged',
    },
  });
  let state: RecommendationState = loggedState;
  let last = facts.loggedAt;
  for (const step of plan) {
    const at = Math.max(step.at, last + 1000);
    if (at > END) break;
    last = at;
    const today = isoDay(at);
    let command = step.command;
    if (command.type === 'requestExtension') {
      command = { ...command, newDueDate: isoDay(Math.max(Date.parse(`${state.dueDate}T12:00:00Z`), at) + 120 * DAY) };
    }
    if (command.type === 'recordVerificationVisit') command = { ...command, visitedOn: today };
    const context: CommandContext = {
      actor: { personId: step.actor.id, roles: step.actor.roles },
      today,
      now: new Date(at).toISOString(),
      directory,
      routing: { item: { sourceKind, originator: sourceKind.endsWith('audit') ? 'Mazars' : 'HMICFRS' } },
    };
    const decision = decide(state, command, context);
    if (!decision.accepted) throw new Error(`bench data: ${command.type} refused for ${facts.reference} on ${today}: ${decision.reason}`);
    for (const event of decision.events) {
      events.push({
        occurredAt: at,
        actorId: step.actor.id,
        entityType: 'recommendation',
        entityId: facts.id,
        recommendationId: facts.id,
        type: event.type,
        summary: describeEvent(event, (id) => id),
        before: event.before,
        after: event.after,
      });
    }
    state = decision.state;
  }
}

const sourceKindFor = (index: number): SourceKind => {
  const roll = index % 20;
  if (roll < 9) return 'inspection';
  if (roll < 12) return 'joint_inspection';
  if (roll < 14) return 'super_complaint';
  if (roll < 18) return 'external_audit';
  return 'internal_audit';
};

interface ReportFacts {
  id: string;
  index: number;
  kind: SourceKind;
  publishedAt: number;
}

function itemFacts(report: ReportFacts, position: number, itemIndex: number, rand: () => number): ItemFacts {
  const audit = report.kind.endsWith('audit');
  const roll = rand();
  return {
    id: randomUUID(),
    reportId: report.id,
    reference: `${position + 1}`,
    kind: audit ? 'action' : rand() < 0.7 ? 'recommendation' : 'area_for_improvement',
    text: `${sentence(rand, 18)} ${sentence(rand, 12)} (${itemIndex})`,
    // National reports address most items to national bodies (seed 002: "10 recommendations 2 of which are for forces").
    forTheForce: audit || report.index % 3 === 0 ? rand() < 0.95 : rand() < 0.4,
    category: (roll < 0.05 ? 1 : roll < 0.5 ? 2 : roll < 0.85 ? 3 : 4) as ClosureCategory,
    loggedAt: report.publishedAt + Math.round(rand() * 10 * DAY),
  };
}

async function insertEvents(client: PgClient, events: Event[]): Promise<void> {
  const BATCH = 5_000;
  for (let start = 0; start < events.length; start += BATCH) {
    const batch = events.slice(start, start + BATCH);
    await client.query(
      `INSERT INTO audit_events (occurred_at, actor_id, actor_label, entity_type, entity_id, recommendation_id, type, summary, before, after)
       SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::jsonb[], $10::jsonb[])`,
      [
        batch.map((e) => new Date(e.occurredAt).toISOString()),
        batch.map((e) => e.actorId),
        batch.map((e) => (e.actorId ? 'Bench person' : 'System')),
        batch.map((e) => e.entityType),
        batch.map((e) => e.entityId),
        batch.map((e) => e.recommendationId),
        batch.map((e) => e.type),
        batch.map((e) => e.summary),
        batch.map((e) => (e.before === null ? null : JSON.stringify(e.before))),
        batch.map((e) => (e.after === null ? null : JSON.stringify(e.after))),
      ],
    );
  }
}

/**
 * Fills an empty, migrated database with `items` items in reports of `itemsPerReport`, and exactly `events` audit
 * events (reports' own events included). Events are generated and inserted report by report to bound memory.
 */
export async function generateTrail(
  client: PgClient,
  options: { items: number; events: number; itemsPerReport?: number; seed?: number; progress?: (line: string) => void },
): Promise<GeneratedTrail> {
  const itemsPerReport = options.itemsPerReport ?? 50;
  const seed = options.seed ?? 20_231_001;
  const rand = random(seed);
  const people = makePeople(rand);
  const directory: Directory = { people: people.map((p) => ({ id: p.id, roles: p.roles, active: true, name: p.name })), delegations: [] };
  await client.query('INSERT INTO people (id, name, email) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])', [
    people.map((p) => p.id),
    people.map((p) => p.name),
    people.map((_person, i) => `bench.${i}@bench.police.uk`),
  ]);
  const reportCount = Math.ceil(options.items / itemsPerReport);
  const span = END - START - 400 * DAY;
  const reports: ReportFacts[] = Array.from({ length: reportCount }, (_, index) => ({
    id: randomUUID(),
    index,
    kind: sourceKindFor(index),
    publishedAt: START + Math.floor((span * index) / reportCount),
  }));

  // First pass: how many events the items make without extra updates, and which items can take more.
  const itemSeeds: number[] = [];
  const facts: ItemFacts[] = [];
  for (const report of reports) {
    for (let position = 0; position < itemsPerReport && facts.length < options.items; position++) {
      const itemIndex = facts.length;
      facts.push(itemFacts(report, position, itemIndex, rand));
      itemSeeds.push(Math.floor(rand() * 2 ** 31));
    }
  }
  const reportKind = new Map(reports.map((report) => [report.id, report.kind]));
  let baseEvents = reports.length;
  const slots: number[] = [];
  for (let index = 0; index < facts.length; index++) {
    const item = facts[index]!;
    const { plan, updateSlots } = planItem(item, reportKind.get(item.reportId)!, random(itemSeeds[index]!), people, 0);
    const counted: Event[] = [];
    runItem(item, reportKind.get(item.reportId)!, plan, directory, counted);
    baseEvents += counted.length;
    if (updateSlots > 0) slots.push(index);
  }
  const missing = options.events - baseEvents;
  if (missing < 0)
    throw new Error(
      `the lifecycle alone makes ${baseEvents} events, more than the ${options.events} asked for: ask for more events or fewer items`,
    );
  if (missing > 0 && slots.length === 0) throw new Error('no item is ever in progress, so no updates can be added');
  const extras = new Map<number, number>();
  for (let i = 0; i < missing; i++) {
    const index = slots[i % slots.length]!;
    extras.set(index, (extras.get(index) ?? 0) + 1);
  }
  options.progress?.(
    `    lifecycle events ${baseEvents.toLocaleString('en-GB')}, plus ${missing.toLocaleString('en-GB')} progress updates to reach ${options.events.toLocaleString('en-GB')}`,
  );

  // Second pass: the same items with their updates, inserted report by report.
  let written = 0;
  let pending: Event[] = [];
  let itemIndex = 0;
  for (const report of reports) {
    pending.push({
      occurredAt: report.publishedAt,
      actorId: people[0]!.id,
      entityType: 'source_report',
      entityId: report.id,
      recommendationId: null,
      type: 'report_logged',
      summary: `Logged report ${report.index + 1}`,
      before: null,
      after: {
        title: `${report.kind.endsWith('audit') ? 'Audit' : report.kind === 'super_complaint' ? 'Super-complaint' : 'Inspection'} report ${report.index + 1}`,
        originator: report.kind.endsWith('audit') ? 'Mazars' : 'HMICFRS',
        kind: report.kind,
        scope: report.index % 3 === 0 ? 'force' : 'national',
        publishedOn: isoDay(report.publishedAt),
      },
    });
    while (itemIndex < facts.length && facts[itemIndex]!.reportId === report.id) {
      const item = facts[itemIndex]!;
      const { plan } = planItem(item, report.kind, random(itemSeeds[itemIndex]!), people, extras.get(itemIndex) ?? 0);
      runItem(item, report.kind, plan, directory, pending);
      itemIndex++;
    }
    if (pending.length >= 20_000) {
      await insertEvents(client, pending);
      written += pending.length;
      pending = [];
      options.progress?.(`    ${written.toLocaleString('en-GB')} events written`);
    }
  }
  await insertEvents(client, pending);
  written += pending.length;
  if (written !== options.events) throw new Error(`wrote ${written} events, expected ${options.events}`);
  return { reports: reports.length, items: facts.length, events: written, people: people.length };
}
