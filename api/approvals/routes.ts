import type { ApprovalChain } from '../../domain/lifecycle';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { approvalWaitingSchema, listOf } from '../../platform/http/schemas';

/** Approvals and extension decisions waiting for the caller: what an approver's "to do" list shows. */
export function approvalsFeature({ recommendations }: ApiDependencies): Feature {
  return {
    mountPath: '/api/approvals',
    tag: 'Approvals',
    description:
      'Closure approvals and extension decisions waiting for the caller (or someone they stand in for). Decide them with the approve / reject / decideExtension commands.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'Decisions waiting for me',
        access: 'approvals.read',
        responses: {
          200: { description: 'Waiting decisions, soonest due first', schema: listOf(approvalWaitingSchema, 'ApprovalWaitingList') },
        },
        async handle({ res, by }) {
          const items = [];
          const deciders = await recommendations.decidersFor(by.actor.personId);
          let cursor: string | undefined;
          do {
            const found = await recommendations.search({ limit: 200, cursor, sort: 'dueDate', awaitingMyDecision: true }, by);
            for (const item of found.items) {
              const full = await recommendations.get(item.id, by);
              if (!full) continue;
              const chains: ['closure' | 'extension', ApprovalChain | null | undefined, string | null][] = [
                ['closure', full.status === 'awaiting_approval' ? full.state.approval : null, null],
                ['extension', full.state.pendingExtension?.chain, full.state.pendingExtension?.requestedDueDate ?? null],
              ];
              for (const [kind, chain, requestedDueDate] of chains) {
                const step = chain?.steps[chain.current];
                if (!chain || !step || !deciders.some((id) => id === step.approverId || id === step.onBehalfOf)) continue;
                items.push({
                  kind,
                  step: chain.current + 1,
                  steps: chain.steps.length,
                  onBehalfOf: step.onBehalfOf,
                  openedOn: step.openedOn,
                  requestedDueDate,
                  recommendation: item,
                });
              }
            }
            cursor = found.nextCursor ?? undefined;
          } while (cursor);
          res.json({ items });
        },
      }),
    ],
  };
}
