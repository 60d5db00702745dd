import type { Request } from 'express';
import type { ApiDependencies } from '../dependencies';
import { isAllowed } from '../../platform/http/permissions';
import { tasksOf } from '../tasks/queries';
import type { NavItem } from '../../platform/web/html';

/**
 * The navigation of every signed-in page, with the count of My tasks (the same sections that page shows, so the two
 * always agree); Administration for administrators only; one's own account (reminder emails, password).
 */
export function pageNavigation(deps: Pick<ApiDependencies, 'recommendations' | 'dataSource' | 'mailbox'>) {
  const { mailbox } = deps;
  return async function nav(req: Request, current: string, taskCount?: number): Promise<NavItem[]> {
    const { person } = req.identity!;
    const count = taskCount ?? (await tasksOf(deps, { id: person.id, name: person.name, roles: person.roles })).total;
    return [
      { href: '/', text: 'My tasks', count, current: current === '/' },
      { href: '/recommendations', text: 'Recommendations', current: current === '/recommendations' },
      { href: '/dashboard', text: 'Dashboard', current: current === '/dashboard' },
      ...(isAllowed(req.identity!, 'papers.read') ? [{ href: '/papers', text: 'Committee papers', current: current === '/papers' }] : []),
      ...(isAllowed(req.identity!, 'imports.manage') ? [{ href: '/imports', text: 'Import a tracker', current: current === '/imports' }] : []),
      ...(isAllowed(req.identity!, 'people.manage') ? [{ href: '/admin', text: 'Administration', current: current === '/admin' }] : []),
      { href: '/account', text: 'Your account', current: current === '/account' },
      ...(mailbox && process.env.NODE_ENV !== 'production' && isAllowed(req.identity!, 'mailbox.open') ? [{ href: '/dev/mailbox', text: 'Mailbox (development)' }] : []),
    ];
  };
}
