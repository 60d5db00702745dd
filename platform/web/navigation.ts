import type { Request } from 'express';
import { isAllowed } from '../http/permissions';
import type { NavItem } from './html';
import type { Role } from '../../domain/vocabulary';

/** What the navigation needs of the features: the wiring (api/server.ts) counts My tasks with api/tasks. */
export interface NavigationDependencies {
  /** How many tasks My tasks shows this person (the same sections that page shows, so the two always agree). */
  myTaskCount(person: { id: string; name: string; roles: Role[] }): Promise<number>;
  /** The development mailbox, when there is one: a link to it for those who may open it. */
  mailbox?: unknown;
}

/**
 * The navigation of every signed-in page, with the count of My tasks (the same sections that page shows, so the two
 * always agree); Administration for administrators only; one's own account (reminder emails, password).
 */
export function pageNavigation(deps: NavigationDependencies) {
  const { mailbox, myTaskCount } = deps;
  return async function nav(req: Request, current: string, taskCount?: number): Promise<NavItem[]> {
    const { person } = req.identity!;
    const count = taskCount ?? (await myTaskCount({ id: person.id, name: person.name, roles: person.roles }));
    return [
      { href: '/', text: 'My tasks', count, current: current === '/' },
      { href: '/recommendations', text: 'Recommendations', current: current === '/recommendations' },
      { href: '/dashboard', text: 'Dashboard', current: current === '/dashboard' },
      ...(isAllowed(req.identity!, 'papers.read') ? [{ href: '/papers', text: 'Committee papers', current: current === '/papers' }] : []),
      ...(isAllowed(req.identity!, 'imports.manage')
        ? [{ href: '/imports', text: 'Import a tracker', current: current === '/imports' }]
        : []),
      ...(isAllowed(req.identity!, 'people.manage') ? [{ href: '/admin', text: 'Administration', current: current === '/admin' }] : []),
      { href: '/account', text: 'Your account', current: current === '/account' },
      ...(mailbox && process.env.NODE_ENV !== 'production' && isAllowed(req.identity!, 'mailbox.open')
        ? [{ href: '/dev/mailbox', text: 'Mailbox (development)' }]
        : []),
    ];
  };
}
