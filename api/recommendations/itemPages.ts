import { Router } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { authorize } from '../../platform/http/permissions';
import { sendEvidenceFile } from '../evidence/routes';
import { ApiProblem } from '../../platform/http/problem';
import type { PageShell } from '../../platform/web/pageShell';
import { evidenceRows, itemName, nameLookup, progressUpdates } from './scrutiny';

const idParams = z.object({ id: z.uuid() });
const fileParams = idParams.extend({ itemId: z.uuid() });

/** A recommendation's progress updates (all of them) and its evidence (files to download, links, notes) as pages. */
export function itemPageRoutes(deps: ApiDependencies, shell: PageShell): Router {
  const { recommendations, evidence, dataSource } = deps;
  const router = Router();

  router.get('/recommendations/:id/updates', async (req, res) => {
    const parsed = idParams.safeParse(req.params);
    const view = parsed.success ? await recommendations.get(parsed.data.id, actingPersonOf(req.identity!)) : null;
    if (!view) return shell.notFound(req, res);
    const updates = progressUpdates(view, await nameLookup(dataSource, view));
    await shell.send(req, res, 'updates.njk', {
      title: `Progress updates: ${itemName(view)}`,
      name: itemName(view),
      caption: `${view.report.originator}: ${view.report.title}`,
      id: view.id,
      updates,
    });
  });

  router.get('/recommendations/:id/evidence', async (req, res) => {
    authorize(req.identity!, 'evidence.read');
    const parsed = idParams.safeParse(req.params);
    const view = parsed.success ? await recommendations.get(parsed.data.id, actingPersonOf(req.identity!)) : null;
    if (!view) return shell.notFound(req, res);
    const items = await evidence.list(view.id);
    await shell.send(req, res, 'evidence.njk', {
      title: `Evidence: ${itemName(view)}`,
      name: itemName(view),
      caption: `${view.report.originator}: ${view.report.title}`,
      id: view.id,
      summary: view.state.evidence?.summary ?? null,
      rows: evidenceRows(items, { recommendationId: view.id, downloadable: true }),
    });
  });

  router.get('/recommendations/:id/evidence/:itemId/download', async (req, res) => {
    authorize(req.identity!, 'evidence.read');
    const parsed = fileParams.safeParse(req.params);
    if (!parsed.success) return shell.notFound(req, res);
    try {
      sendEvidenceFile(res, await evidence.content(parsed.data.id, parsed.data.itemId));
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 404)
        return shell.message(req, res, 404, 'File not found', ['There is no evidence file at this address.'], {
          href: `/recommendations/${parsed.data.id}/evidence`,
          text: 'See the evidence of this item',
        });
      throw error;
    }
  });

  return router;
}
