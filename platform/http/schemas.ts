import { z } from 'zod';
import { lifecycleCommandTypes, lifecycleStatuses } from '../../domain/lifecycle';
import { ragStatuses } from '../../domain/rag';
import { itemKinds, roles, sourceKinds, sourceScopes } from '../../domain/vocabulary';

/**
 * Response bodies, as zod schemas: documentation in /api/openapi.json, and what the tests validate every response
 * against. Objects are loose (extra properties allowed) where the api returns stored rows, strict in what they list.
 */

const timestamp = z.string().describe('ISO 8601 date and time');
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('calendar date, YYYY-MM-DD');
const uuid = z.uuid();

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    instance: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json); `errors` names each bad field and why.' });

export const personSummarySchema = z
  .object({ id: uuid, name: z.string(), email: z.string(), jobTitle: z.string() })
  .meta({ id: 'PersonSummary' });

export const personSchema = z
  .object({
    id: uuid,
    name: z.string(),
    email: z.string(),
    roles: z.array(z.enum(roles)),
    jobTitle: z.string(),
    department: z.string(),
    lineManagerId: uuid.nullable().describe('whom the person reports to'),
    digestPreference: z.enum(['immediate', 'daily', 'weekly']),
    active: z.boolean().describe('false once deactivated: cannot sign in'),
    version: z.number().int().describe('send as If-Match when changing the person'),
  })
  .meta({ id: 'Person' });

export const deactivatedPersonSchema = z
  .object({ person: personSchema, openItems: z.number().int().describe('open items this person owns or leads, to reassign') })
  .meta({ id: 'DeactivatedPerson' });

export const passwordLinkSentSchema = z
  .object({ sentTo: z.string(), expiresAt: z.string().describe('when the link stops working (ISO 8601)') })
  .meta({ id: 'PasswordLinkSent' });

export const page = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last page'),
    })
    .meta({ id });

export const listOf = <T extends z.ZodType>(item: T, id: string) => z.object({ items: z.array(item) }).meta({ id });

const stateSchema = z
  .looseObject({
    recommendationId: uuid,
    status: z.enum(lifecycleStatuses),
    category: z.number().int().nullable(),
    ownerId: uuid.nullable(),
    leadId: uuid.nullable(),
    dueDate: date.nullable(),
    approval: z
      .looseObject({ routeId: z.string(), current: z.number().int(), steps: z.array(z.looseObject({ approverId: uuid.nullable() })) })
      .nullable(),
  })
  .meta({ id: 'RecommendationState', description: 'The lifecycle state in full (domain/lifecycle/states.ts `RecommendationState`).' });

export const recommendationSchema = z
  .object({
    id: uuid,
    reference: z.string(),
    kind: z.enum(itemKinds),
    text: z.string(),
    addressedTo: z.string(),
    forTheForce: z.boolean(),
    category: z.number().int().nullable(),
    department: z.string().nullable(),
    status: z.enum(lifecycleStatuses),
    statusLabel: z.string(),
    reportedStatus: z.string().nullable().describe('The status in the force’s own words, as its imported tracker last gave it'),
    reportedOwner: z
      .string()
      .nullable()
      .describe('A closed item’s owner as its imported tracker named them, when not a person in the product'),
    reportedLead: z
      .string()
      .nullable()
      .describe('A closed item’s lead as its imported tracker named them, when not a person in the product'),
    dueDate: date.nullable(),
    version: z.number().int(),
    report: z.object({ id: uuid, title: z.string(), originator: z.string(), kind: z.enum(sourceKinds), publishedOn: date }),
    owner: personSummarySchema.nullable(),
    lead: personSummarySchema.nullable(),
    state: stateSchema,
    figures: z
      .object({
        rag: z.enum(ragStatuses),
        overdue: z.boolean(),
        overdueSince: date.nullable(),
        workingDaysOverdue: z.number().int(),
        atRisk: z.boolean(),
        flaggedAtRisk: z.boolean(),
        dueSoon: z.boolean(),
      })
      .describe(
        'Overdue, at risk, due soon and the RAG status today, under the force’s reminder settings (as the list, dashboard and papers show them)',
      ),
    availableCommands: z.array(z.enum(lifecycleCommandTypes as [string, ...string[]])),
    history: z.array(
      z.object({
        occurredAt: timestamp,
        actor: z.string(),
        type: z.string(),
        summary: z.string(),
        before: z.looseObject({}).nullable(),
        after: z.looseObject({}).nullable(),
      }),
    ),
  })
  .meta({ id: 'Recommendation' });

export const recommendationListItemSchema = z
  .object({
    id: uuid,
    reference: z.string(),
    kind: z.enum(itemKinds),
    status: z.enum(lifecycleStatuses),
    statusLabel: z.string(),
    category: z.number().int().nullable(),
    department: z.string().nullable(),
    dueDate: date.nullable(),
    atRisk: z
      .boolean()
      .describe(
        'at risk today: the work is with the owner, it is not overdue, and it is due within the force’s at-risk window or flagged at risk by the owner',
      ),
    flaggedAtRisk: z.boolean().describe('flagged at risk by the owner'),
    overdue: z
      .boolean()
      .describe('overdue (off target) today: the work is with the owner and today is on or after the working day after the due date'),
    workingDaysOverdue: z.number().int().describe('working days overdue, the first overdue day counting 1; 0 when not overdue'),
    dueSoon: z.boolean().describe('the work is with the owner, it is not overdue, and its first due-date reminder has been sent'),
    rag: z
      .enum(ragStatuses)
      .describe('the canonical status today: on_target, at_risk, off_target, proposed_for_closure, closed, not_for_the_force'),
    version: z.number().int(),
    updatedAt: timestamp,
    report: z.object({ id: uuid, title: z.string(), originator: z.string(), kind: z.enum(sourceKinds) }),
    owner: z.object({ id: uuid, name: z.string() }).nullable(),
    lead: z.object({ id: uuid, name: z.string() }).nullable(),
  })
  .meta({ id: 'RecommendationListItem' });

const storedRecommendationSchema = z.looseObject({
  id: uuid,
  reference: z.string(),
  kind: z.enum(itemKinds),
  status: z.enum(lifecycleStatuses),
  text: z.string(),
});

export const reportSchema = z
  .looseObject({
    id: uuid,
    title: z.string(),
    originator: z.string(),
    kind: z.enum(sourceKinds),
    scope: z.enum(sourceScopes),
    publishedOn: date,
    createdAt: timestamp,
    recommendations: z.array(storedRecommendationSchema),
  })
  .meta({ id: 'Report' });

export const reportListItemSchema = z
  .looseObject({
    id: uuid,
    title: z.string(),
    originator: z.string(),
    kind: z.enum(sourceKinds),
    scope: z.enum(sourceScopes),
    publishedOn: date,
    createdAt: timestamp,
  })
  .meta({ id: 'ReportListItem' });

export const evidenceItemSchema = z
  .looseObject({
    id: uuid,
    recommendationId: uuid,
    kind: z.enum(['file', 'link', 'note']),
    title: z.string(),
    url: z.string().nullable(),
    note: z.string().nullable(),
    contentType: z.string().nullable(),
    sizeBytes: z.number().int().nullable(),
    sha256: z.string().nullable(),
    addedBy: uuid.nullable(),
    addedByLabel: z.string(),
    addedAt: timestamp,
  })
  .meta({ id: 'EvidenceItem' });

export const routingRuleSchema = z
  .looseObject({
    id: z.string(),
    priority: z.number().int(),
    match: z.looseObject({}),
    steps: z.array(z.looseObject({ kind: z.enum(['lead', 'role', 'person']) })),
    description: z.string(),
    active: z.boolean(),
    version: z.number().int(),
  })
  .meta({ id: 'RoutingRule' });

export const routingRulesSchema = z
  .object({
    usingDefaults: z.boolean(),
    items: z.array(routingRuleSchema),
    defaults: z.array(z.looseObject({ id: z.string(), priority: z.number() })),
  })
  .meta({ id: 'RoutingRules' });

export const delegationSchema = z
  .looseObject({ id: uuid, fromPersonId: uuid, toPersonId: uuid, startsOn: date, endsOn: date, reason: z.string() })
  .meta({ id: 'Delegation' });

export const departmentSchema = z.looseObject({ id: uuid, name: z.string() }).meta({ id: 'Department' });

export const auditEventSchema = z
  .object({
    id: z.string(),
    occurredAt: timestamp,
    actorId: uuid.nullable(),
    actorLabel: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    recommendationId: uuid.nullable(),
    type: z.string(),
    summary: z.string(),
    before: z.looseObject({}).nullable(),
    after: z.looseObject({}).nullable(),
  })
  .meta({ id: 'AuditEvent' });

export const sessionSchema = z
  .object({
    person: personSchema,
    via: z.enum(['session', 'api_token']),
    csrfToken: z.string().nullable().describe('send as X-CSRF-Token with every change made with the session cookie; null for API tokens'),
  })
  .meta({ id: 'Session' });

export const apiTokenSchema = z
  .object({
    id: uuid,
    personId: uuid,
    name: z.string(),
    prefix: z.string(),
    createdBy: uuid.nullable(),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    expiresAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiToken' });

export const issuedApiTokenSchema = z
  .object({ token: z.string().describe('shown once: keep it secret'), apiToken: apiTokenSchema })
  .meta({ id: 'IssuedApiToken' });

export const approvalWaitingSchema = z
  .object({
    kind: z.enum(['closure', 'extension']),
    step: z.number().int(),
    steps: z.number().int(),
    onBehalfOf: uuid.nullable(),
    openedOn: date.nullable(),
    requestedDueDate: date.nullable(),
    recommendation: recommendationListItemSchema,
  })
  .meta({ id: 'ApprovalWaiting' });

export const healthSchema = z.object({ status: z.literal('ok') });
export const readinessSchema = z.object({
  status: z
    .enum(['ready', 'degraded', 'not ready'])
    .describe('degraded: ready, but a check marked degraded failed (the service works with less)'),
  checks: z.record(
    z.string(),
    z.object({
      ok: z.boolean(),
      detail: z.string().optional(),
      degraded: z
        .boolean()
        .optional()
        .describe(
          'true: this check failing degrades the service rather than stopping it (smtp: commands still work and emails wait in the outbox)',
        ),
    }),
  ),
  degraded: z.array(z.string()).optional().describe('the checks that failed without making the service unready, e.g. ["smtp"]'),
});
