import { Router, type Request, type Response } from 'express';
import { actingPersonOf } from '../../platform/http/actor';
import { ApiProblem, parseInput } from '../../platform/http/problem';
import { recommendationListQuery } from '../recommendations/listQuery';
import { newReportSchema } from './schemas';
import {
  closureCategories,
  closureCategoryLabels,
  itemKindLabels,
  itemKinds,
  sourceKindLabels,
  sourceKinds,
} from '../../domain/vocabulary';
import { Department } from '../../entities';
import type { FormError } from '../../platform/web/html';
import { attempt, formBody, formErrors, text, type FormBody } from '../../platform/web/forms';
import type { AdminContext } from '../adminContext';

const itemFields = ['reference', 'kind', 'text', 'addressedTo', 'notForTheForce', 'category', 'department', 'parts'] as const;
const reportLabels: Record<string, string> = {
  title: 'The title',
  originator: 'The originator',
  kind: 'The kind of report',
  scope: 'The scope',
  publishedOn: 'The publication date',
  statusLine: 'The status',
  loggedOn: 'The date logged',
};
const itemLabels: Record<string, string> = {
  reference: 'reference',
  kind: 'kind',
  text: 'text',
  addressedTo: 'addressed to',
  category: 'category',
  department: 'department',
  parts: 'parts',
};
const MAX_ROWS = 60;

/** Parts typed one per line, "a: text" (a line without a reference gets the next letter). */
function partsOf(value: string): { reference: string; text: string }[] {
  return value
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line, index) => {
      const match = /^([\w.()-]{1,10})\s*[:)]\s+(.+)$/.exec(line);
      return match
        ? { reference: match[1]!.replace(/[()]/g, ''), text: match[2]! }
        : { reference: String.fromCharCode(97 + (index % 26)), text: line };
    });
}

/**
 * Entering a source report with its items (including items "not for the force" and items' parts), and the lists
 * an administrator works through: new items to triage and assign, and closed items for HMICFRS. Triage, assigning,
 * submitting to HMICFRS and recording its response are the lifecycle's commands on each item's page.
 */
export function reportPages({ deps, render, guard }: AdminContext): Router {
  const router = Router();
  const { reports, recommendations, dataSource } = deps;

  const rowCount = (req: Request, body?: FormBody) =>
    Math.min(MAX_ROWS, Math.max(1, Number(body ? text(body, 'rows') : req.query.rows) || 5));

  async function formPage(
    req: Request,
    res: Response,
    values: { report: Record<string, string>; items: Record<string, string>[] },
    errors?: FormError[],
    status = 200,
  ) {
    const departments = (await dataSource.manager.find(Department, { order: { name: 'ASC' } })).map((d) => d.name);
    await render(
      req,
      res,
      'reportNew.njk',
      {
        title: 'Enter a source report',
        values,
        errors,
        rows: values.items.length,
        canAddRows: values.items.length < MAX_ROWS,
        sourceKindChoices: sourceKinds.map((k) => ({ value: k, text: sourceKindLabels[k] })),
        itemKindChoices: itemKinds.map((k) => ({ value: k, text: itemKindLabels[k] })),
        categoryChoices: closureCategories.map((c) => ({ value: String(c), text: closureCategoryLabels[c] })),
        departments,
      },
      status,
    );
  }

  router.get('/reports/new', guard('reports.create'), (req, res) =>
    formPage(req, res, {
      report: { kind: 'inspection', scope: 'force' },
      items: Array.from({ length: rowCount(req) }, () => ({ kind: 'recommendation' })),
    }),
  );

  router.post('/reports/new', guard('reports.create'), async (req, res) => {
    const body = formBody(req);
    const report = Object.fromEntries(
      ['title', 'originator', 'kind', 'scope', 'publishedOn', 'statusLine', 'loggedOn'].map((f) => [f, text(body, f).trim()]),
    );
    const items = Array.from({ length: rowCount(req, body) }, (_, i) =>
      Object.fromEntries(itemFields.map((f) => [f, text(body, `items-${i}-${f}`)])),
    );
    // "Add more item rows" keeps what was typed and writes nothing.
    if (text(body, 'more'))
      return formPage(req, res, {
        report,
        items: [...items, ...Array.from({ length: Math.min(5, MAX_ROWS - items.length) }, () => ({ kind: 'recommendation' }))],
      });
    const entered = items.map((item, row) => ({ item, row })).filter(({ item }) => item.reference!.trim() || item.text!.trim());
    const outcome = await attempt(
      async () => {
        const input = parseInput(newReportSchema, {
          ...report,
          statusLine: report.statusLine || null,
          loggedOn: report.loggedOn || null,
          recommendations: entered.map(({ item }) => ({
            reference: item.reference,
            kind: item.kind,
            text: item.text,
            addressedTo: item.addressedTo,
            forTheForce: item.notForTheForce !== 'true',
            category: item.category ? Number(item.category) : null,
            department: item.department || null,
            parts: partsOf(item.parts!),
          })),
        });
        return reports.create(input, actingPersonOf(req.identity!));
      },
      (problem) =>
        problem.errors.length
          ? problem.errors.map((e) => {
              const match = /^body\.recommendations\[(\d+)\]\.?(\w*)(?:\[(\d+)\]\.(\w+))?/.exec(e.field);
              if (!match) return formErrors(new ApiProblem(400, problem.title, undefined, [e]), 'title', {}, reportLabels)[0]!;
              const row = entered[Number(match[1])]?.row ?? 0;
              const field = match[2] || 'reference';
              if (match[3] !== undefined)
                return {
                  field: `items-${row}-parts`,
                  message: `Item ${row + 1}: part ${Number(match[3]) + 1}: the ${match[4]} ${e.message}`,
                };
              return { field: `items-${row}-${field}`, message: `Item ${row + 1}: the ${itemLabels[field] ?? field} ${e.message}` };
            })
          : formErrors(problem, 'title'),
    );
    if (!outcome.ok) return formPage(req, res, { report, items }, outcome.errors, outcome.status);
    res.redirect(303, `/admin/triage?done=${encodeURIComponent(outcome.value.title)}`);
  });

  const listPage = (template: string, title: string, states: string[]) => async (req: Request, res: Response) => {
    const result = await recommendations.search(
      recommendationListQuery.parse({ limit: '200', state: states.join(','), sort: 'updatedAt' }),
      actingPersonOf(req.identity!),
    );
    await render(req, res, template, { title, items: result.items, done: req.query.done });
  };
  router.get('/triage', guard('reports.create'), listPage('triage.njk', 'Triage and assign', ['logged']));
  router.get(
    '/hmicfrs',
    guard('reports.create'),
    listPage('hmicfrs.njk', 'HMICFRS submissions and responses', ['self_certified', 'awaiting_hmicfrs_sign_off']),
  );
  return router;
}
