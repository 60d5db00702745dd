import type { Request } from 'express';
import { actingPersonOf } from '../../platform/http/actor';
import type { ApiDependencies } from '../dependencies';
import { isAllowed } from '../../platform/http/permissions';
import { recommendationListQuery } from '../recommendations/listQuery';
import { workingStatuses } from '../../domain/lifecycle';
import type { NavItem } from '../../platform/web/html';

/** The navigation of every signed-in page, with the counts people act on; Administration for administrators only; changing one's password. */
export function pageNavigation({ recommendations, mailbox }: Pick<ApiDependencies, 'recommendations' | 'mailbox'>) {
  const search = (req: Request, query: Partial<Record<string, unknown>>) => recommendations.search(recommendationListQuery.parse({ limit: '200', ...query }), actingPersonOf(req.identity!));
  return async function nav(req: Request, current: string): Promise<NavItem[]> {
    const [mine, decisions] = await Promise.all([search(req, { owner: 'me', state: workingStatuses.join(',') }), search(req, { awaitingMyDecision: 'true' })]);
    return [
      { href: '/', text: 'My tasks', count: mine.items.length + decisions.items.length, current: current === '/' },
      { href: '/recommendations', text: 'Recommendations', current: current === '/recommendations' },
      { href: '/dashboard', text: 'Dashboard', current: current === '/dashboard' },
      ...(isAllowed(req.identity!, 'papers.read') ? [{ href: '/papers', text: 'Committee papers', current: current === '/papers' }] : []),
      ...(isAllowed(req.identity!, 'imports.manage') ? [{ href: '/imports', text: 'Import a tracker', current: current === '/imports' }] : []),
      ...(isAllowed(req.identity!, 'people.manage') ? [{ href: '/admin', text: 'Administration', current: current === '/admin' }] : []),
      ...(req.identity!.via === 'session' ? [{ href: '/account/password', text: 'Your password', current: current === '/account/password' }] : []),
      ...(mailbox && process.env.NODE_ENV !== 'production' && isAllowed(req.identity!, 'mailbox.open') ? [{ href: '/dev/mailbox', text: 'Mailbox (development)' }] : []),
    ];
  };
}
