import { Brackets } from 'typeorm';
import type { ApiDependencies } from '../dependencies';
import { availableCommands, workingStatuses, type Actor } from '../../domain/lifecycle';
import { OutboundEmail, Recommendation } from '../../entities';
import { figuresOfRow, listItem } from '../recommendations/service';
import { FAILED_EMAIL_DAYS, type TaskData, type TaskPerson } from './model';
import { taskSections, type TaskSections } from './sections';

/**
 * Reads the open items that can be anyone's task: this person's own and led items, and every item past the owner's
 * work (with approvers, for the letter, with HMICFRS), logged, with an extension pending, or held by someone no longer
 * active. Items still with another owner are nobody else's task, so they are not read. Which of the rest are this
 * person's is for the lifecycle's guards to say (`availableCommands`), not for this query.
 */
export async function loadTasks(
  deps: Pick<ApiDependencies, 'dataSource' | 'recommendations'>,
  person: Omit<TaskPerson, 'delegatesFor'>,
): Promise<TaskData> {
  const { dataSource, recommendations } = deps;
  const [{ cutoffs, calendar }, deciders] = await Promise.all([recommendations.figuresToday(), recommendations.decidersFor(person.id)]);
  const actor: Actor = { personId: person.id, roles: person.roles, delegatesFor: deciders.slice(1) };
  const rows = await dataSource
    .getRepository(Recommendation)
    .createQueryBuilder('r')
    .innerJoinAndSelect('r.report', 'report')
    .leftJoinAndSelect('r.owner', 'owner')
    .leftJoinAndSelect('r.lead', 'lead')
    .where(`r.status <> 'closed'`)
    .andWhere(
      new Brackets((qb) =>
        qb
          .where('r.owner_id = :me OR r.lead_id = :me', { me: person.id })
          .orWhere('r.status NOT IN (:...working)', { working: [...workingStatuses, 'not_for_the_force'] })
          .orWhere(`jsonb_typeof(r.state->'pendingExtension') = 'object'`)
          .orWhere('owner.active = false OR lead.active = false'),
      ),
    )
    .orderBy('r.due_date', 'ASC', 'NULLS LAST')
    .addOrderBy('r.updated_at', 'ASC')
    .getMany();
  const items = rows.map((r) => ({
    item: listItem(r, figuresOfRow(r, cutoffs, calendar)),
    state: r.state,
    commands: availableCommands(r.state, actor),
    ownerActive: r.owner?.active !== false,
    leadActive: r.lead?.active !== false,
  }));
  const failedEmails = person.roles.includes('administrator')
    ? await dataSource
        .getRepository(OutboundEmail)
        .createQueryBuilder('e')
        .select(['e.id', 'e.toAddress', 'e.subject', 'e.recommendationId', 'e.createdAt', 'e.lastError'])
        .where(`e.status = 'failed' AND e.created_at > now() - make_interval(days => :days)`, { days: FAILED_EMAIL_DAYS })
        .orderBy('e.created_at', 'DESC')
        .take(50)
        .getMany()
    : [];
  return { person: { ...person, delegatesFor: actor.delegatesFor ?? [] }, items, failedEmails };
}

/** My tasks for one person, as the page shows it. */
export async function tasksOf(
  deps: Pick<ApiDependencies, 'dataSource' | 'recommendations'>,
  person: Omit<TaskPerson, 'delegatesFor'>,
): Promise<TaskSections> {
  return taskSections(await loadTasks(deps, person));
}
