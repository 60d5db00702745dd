import type { DataSource } from 'typeorm';
import type { z } from 'zod';
import { formatLongDate } from '../../domain/calendar';
import {
  lifecycleStatuses,
  lifecycleStatusLabels,
  statusGroupLabels,
  statusGroups,
  type LifecycleStatus,
  type StatusGroup,
} from '../../domain/lifecycle';
import { ragLabel } from '../../domain/rag';
import {
  closureCategories,
  closureCategoryLabels,
  ragStatuses,
  sourceKindLabels,
  type ClosureCategory,
  type RagStatus,
  type SourceKind,
} from '../../domain/vocabulary';
import type { FormError } from '../../platform/web/html';
import { recommendationListQuery, type RecommendationListQuery } from './listQuery';

/** What the list's selects offer: only values some item has, so no choice leads to an empty list for want of data. */
export interface FilterChoices {
  reports: { id: string; label: string }[];
  originators: string[];
  owners: { id: string; name: string }[];
  leads: { id: string; name: string }[];
  departments: string[];
}

export async function loadFilterChoices(dataSource: DataSource): Promise<FilterChoices> {
  const [reports, originators, owners, leads, departments] = (await Promise.all([
    dataSource.query(`SELECT id, originator || ': ' || title AS label FROM source_reports ORDER BY published_on DESC, title`),
    dataSource.query(
      `SELECT DISTINCT ON (lower(originator)) originator AS value FROM source_reports ORDER BY lower(originator), originator`,
    ),
    dataSource.query(`SELECT DISTINCT p.id, p.name FROM recommendations r JOIN people p ON p.id = r.owner_id ORDER BY p.name, p.id`),
    dataSource.query(`SELECT DISTINCT p.id, p.name FROM recommendations r JOIN people p ON p.id = r.lead_id ORDER BY p.name, p.id`),
    // The filter ignores case, so "Crime" and "crime" are one choice.
    dataSource.query(
      `SELECT DISTINCT ON (lower(department)) department AS value FROM recommendations WHERE department IS NOT NULL ORDER BY lower(department), department`,
    ),
  ])) as [FilterChoices['reports'], { value: string }[], FilterChoices['owners'], FilterChoices['leads'], { value: string }[]];
  return { reports, originators: originators.map((o) => o.value), owners, leads, departments: departments.map((d) => d.value) };
}

type FilterName = Exclude<keyof RecommendationListQuery, 'limit' | 'cursor' | 'sort'>;

/** Each filter's name on the page, in the order its tags are shown. */
export const filterLabels: Record<FilterName, string> = {
  q: 'Search',
  report: 'Report',
  originator: 'Originator',
  source: 'Kind of report',
  category: 'Category',
  owner: 'Owner',
  lead: 'Lead',
  department: 'Department',
  noDepartment: 'Department',
  statusGroup: 'Status group',
  state: 'Status',
  rag: 'RAG status',
  overdue: 'Overdue',
  atRisk: 'At risk',
  dueBefore: 'Due before',
  dueAfter: 'Due after',
  closedSince: 'Closed since',
  decisionWaiting: 'Decisions',
  awaitingMyDecision: 'Decisions',
};
const otherLabels: Record<string, string> = { sort: 'Sort order', limit: 'Items per page', cursor: 'Page' };

export interface SelectField {
  id: string;
  name: string;
  label: string;
  items: { value: string; text: string; selected: boolean }[];
  error?: string;
}
export interface TagGroup {
  heading: string;
  tags: { text: string; href: string }[];
}

export interface ListFilters {
  /** The filters that parsed; those that did not are left out, and named in `errors`. */
  query: RecommendationListQuery;
  errors: FormError[];
  search: { value: string; error?: string };
  fields: SelectField[];
  /** Filters the form has no select for, or that name several values, carried by the form as they are. */
  hidden: { name: string; value: string }[];
  tags: TagGroup[];
  /** The address's query without the filters that did not parse and without the page's cursor ("" or "?…"). */
  queryString: (changes?: Record<string, string | undefined>) => string;
}

/** The filters the form offers as selects; the rest travel as hidden fields and show only as tags. */
const selectNames: FilterName[] = [
  'report',
  'originator',
  'category',
  'owner',
  'lead',
  'department',
  'statusGroup',
  'state',
  'rag',
  'overdue',
  'atRisk',
];
/** Filters that may name several values ("state=a,b"): each value is a tag of its own. */
const listNames = new Set<string>(['state', 'statusGroup', 'rag', 'category', 'source']);

/** A filter's problem in the page's words, never zod's: "Overdue must be true or false". */
function errorsOf(issues: z.core.$ZodIssue[]): { errors: FormError[]; bad: Set<string> } {
  const errors: FormError[] = [];
  const bad = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        bad.add(key);
        errors.push({ field: 'filters', message: `“${key.slice(0, 40)}” is not a filter of this list` });
      }
      continue;
    }
    const key = String(issue.path[0] ?? '');
    bad.add(key);
    const label = filterLabels[key as FilterName] ?? otherLabels[key] ?? 'A filter';
    const message = /^Invalid|expected/.test(issue.message) ? 'is not a value this list understands' : issue.message;
    const field = key === 'q' || selectNames.includes(key as FilterName) ? `filter-${key}` : 'filters';
    if (!errors.some((e) => e.field === field && e.message.startsWith(label))) errors.push({ field, message: `${label} ${message}` });
  }
  return { errors, bad };
}

/** The address's filters as the list page reads them: what parsed, the errors of what did not, the selects and the tags. */
export function listFilters(rawQuery: Record<string, unknown>, choices: FilterChoices, defaults: { limit: string }): ListFilters {
  const raw = Object.fromEntries(Object.entries(rawQuery).filter(([, v]) => v !== '' && v !== undefined));
  let parsed = recommendationListQuery.safeParse({ ...defaults, ...raw });
  let errors: FormError[] = [];
  let kept = raw;
  if (!parsed.success) {
    const found = errorsOf(parsed.error.issues);
    errors = found.errors;
    kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !found.bad.has(k)));
    parsed = recommendationListQuery.safeParse({ ...defaults, ...kept });
  }
  const query = parsed.success ? parsed.data : recommendationListQuery.parse(defaults);
  const params = new URLSearchParams(
    Object.entries(parsed.success ? kept : {})
      .filter(([k]) => k !== 'cursor')
      .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, String(x)] as [string, string])),
  );
  const values = (name: string) =>
    params
      .getAll(name)
      .flatMap((v) => (listNames.has(name) ? v.split(',') : [v]))
      .map((v) => v.trim())
      .filter(Boolean);
  const href = (p: URLSearchParams) => {
    const s = p.toString();
    return `/recommendations${s ? `?${s}` : ''}`;
  };
  const withChanges = (changes: Record<string, string | undefined> = {}) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) v === undefined ? p.delete(k) : p.set(k, v);
    const s = p.toString();
    return s ? `?${s}` : '';
  };
  /** The same list without one filter, or without one value of a filter that names several, the rest in their places. */
  const without = (name: string, value?: string) => {
    const p = new URLSearchParams();
    for (const [k, v] of params) {
      const rest =
        k !== name
          ? [v]
          : value === undefined
            ? []
            : v
                .split(',')
                .map((x) => x.trim())
                .filter((x) => x && x !== value);
      if (rest.length) p.append(k, rest.join(','));
    }
    return href(p);
  };

  const people = (all: { id: string; name: string }[]) => new Map(all.map((p) => [p.id, p.name]));
  const owners = people(choices.owners);
  const leads = people(choices.leads);
  const reports = new Map(choices.reports.map((r) => [r.id, r.label]));
  const personWords = (value: string, names: Map<string, string>, none: string) =>
    value === 'me' ? 'Me' : value === 'none' ? none : (names.get(value) ?? 'Someone with no items');
  const sameText = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

  const select = (name: FilterName, any: string, options: [string, string][]): SelectField => {
    const chosen = values(name);
    const single = chosen.length === 1 ? chosen[0]! : undefined;
    // A value that is no longer among the choices (a department nobody has now) still shows as chosen.
    const known = single === undefined || options.some(([value]) => sameText(value, single));
    const all: [string, string][] = [['', any], ...options, ...(known ? [] : ([[single, single]] as [string, string][]))];
    return {
      id: `filter-${name}`,
      name,
      label: filterLabels[name],
      items: all.map(([value, text]) => ({ value, text, selected: value !== '' && single !== undefined && sameText(value, single) })),
    };
  };
  const fields: SelectField[] = [
    select(
      'report',
      'Any report',
      choices.reports.map((r) => [r.id, r.label]),
    ),
    select(
      'originator',
      'Any originator',
      choices.originators.map((o) => [o, o]),
    ),
    select(
      'category',
      'Any category',
      closureCategories.map((c) => [String(c), closureCategoryLabels[c]]),
    ),
    select('owner', 'Anyone', [['me', 'Me'], ['none', 'No owner'], ...choices.owners.map((p): [string, string] => [p.id, p.name])]),
    select('lead', 'Anyone', [['me', 'Me'], ['none', 'No lead'], ...choices.leads.map((p): [string, string] => [p.id, p.name])]),
    select(
      'department',
      'Any department',
      choices.departments.map((d) => [d, d]),
    ),
    select(
      'statusGroup',
      'Any group',
      statusGroups.map((g) => [g, statusGroupLabels[g]]),
    ),
    select(
      'state',
      'Any status',
      lifecycleStatuses.map((s) => [s, lifecycleStatusLabels[s]]),
    ),
    select(
      'rag',
      'Any',
      ragStatuses.map((r) => [r, ragLabel(r)]),
    ),
    select('overdue', 'Either', [
      ['true', 'Overdue only'],
      ['false', 'Not overdue'],
    ]),
    select('atRisk', 'Either', [
      ['true', 'At risk only'],
      ['false', 'Not at risk'],
    ]),
  ].map((f) => ({ ...f, error: errors.find((e) => e.field === f.id)?.message }));

  const hidden = [...params.keys()]
    .filter(
      (name, i, all) =>
        all.indexOf(name) === i &&
        name !== 'q' &&
        name !== 'sort' &&
        (!selectNames.includes(name as FilterName) || (listNames.has(name) && values(name).length > 1)),
    )
    .map((name) => ({ name, value: values(name).join(',') }));
  hidden.push({ name: 'sort', value: query.sort });

  const words: { [K in FilterName]?: (value: string) => string } = {
    q: (v) => `“${v}”`,
    report: (v) => reports.get(v) ?? 'A report with no items',
    source: (v) => sourceKindLabels[v as SourceKind] ?? v,
    category: (v) => closureCategoryLabels[Number(v) as ClosureCategory] ?? v,
    owner: (v) => personWords(v, owners, 'No owner'),
    lead: (v) => personWords(v, leads, 'No lead'),
    noDepartment: (v) => (v === 'true' ? 'No department' : 'With a department'),
    statusGroup: (v) => statusGroupLabels[v as StatusGroup] ?? v,
    state: (v) => lifecycleStatusLabels[v as LifecycleStatus] ?? v,
    rag: (v) => ragLabel(v as RagStatus),
    overdue: (v) => (v === 'true' ? 'Overdue' : 'Not overdue'),
    atRisk: (v) => (v === 'true' ? 'At risk' : 'Not at risk'),
    dueBefore: (v) => formatLongDate(v),
    dueAfter: (v) => formatLongDate(v),
    closedSince: (v) => formatLongDate(v),
    decisionWaiting: (v) => (v === 'true' ? 'A decision is waiting' : 'No decision waiting'),
    awaitingMyDecision: (v) => (v === 'true' ? 'Waiting for my decision' : 'Not waiting for my decision'),
  };
  const tags: TagGroup[] = [];
  for (const name of Object.keys(filterLabels) as FilterName[]) {
    const chosen = values(name);
    if (!chosen.length) continue;
    const text = words[name] ?? ((v: string) => v);
    const several = listNames.has(name) && chosen.length > 1;
    const group =
      tags.find((t) => t.heading === filterLabels[name]) ?? (tags.push({ heading: filterLabels[name], tags: [] }), tags[tags.length - 1]!);
    for (const value of chosen) group.tags.push({ text: text(value), href: several ? without(name, value) : without(name) });
  }

  return {
    query,
    errors,
    search: {
      value: params.get('q') ?? (typeof raw.q === 'string' ? raw.q : ''),
      error: errors.find((e) => e.field === 'filter-q')?.message,
    },
    fields,
    hidden,
    tags,
    queryString: withChanges,
  };
}
