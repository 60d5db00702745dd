import { Router, type Request, type Response } from 'express';
import { calendarDateInLondon, formatLongDate } from '../../domain/calendar';
import {
  builtInLayoutNames,
  builtInPaperLayouts,
  checkPaperLayout,
  columnDefaults,
  columnsOfStyle,
  countingConventionLabels,
  countingConventions,
  editableCategories,
  itemColumns,
  layoutCategories,
  overviewSourceKinds,
  overviewSourceLabels,
  paperDateStyleLabels,
  paperDateStyles,
  reportColumns,
  sectionGroupingLabels,
  sectionGroupings,
  sectionStyleLabels,
  sectionStyles,
  statusLineRuleLabels,
  statusLineRules,
  unsetCategoryLabel,
  type BuiltInLayoutName,
  type ItemColumn,
  type PaperLayout,
  type ReportColumn,
} from '../../domain/paperLayout';
import { actingPersonOf } from '../../platform/http/actor';
import type { FormError } from '../../platform/web/html';
import { formBody, list, text, type FormBody } from '../../platform/web/forms';
import type { AdminContext } from '../adminContext';
import { paperLayoutDraft, savePaperLayout } from './layoutStore';

/**
 * The overview's layout page (/admin/paper-layout): start from a built-in layout or the saved one, edit the sections
 * (order, reports and categories taken, how they print, grouping, column headings and their order), the force's words
 * per closure category, the date style and the counting convention; saved through the same check and store as
 * PUT /api/settings/paper-layout. Every bad field is named in the error summary and beside the field.
 */

/** The most fields the form can send: the whole paper's 13, and each section's 39 (every checkbox ticked), for 10 sections. */
export const paperLayoutFormFields = 13 + 39 * 10 + 10;

interface SectionDraft {
  heading: string;
  position: string;
  sources: string[];
  categories: string[];
  style: string;
  grouping: string;
  categoryTable: boolean;
  descriptions: boolean;
  /** Every column of both styles, in the order shown: its heading (blank leaves it out) and its position among its style's. */
  columns: ColumnDraft[];
  emptyText: string;
}

interface ColumnDraft {
  key: ReportColumn | ItemColumn;
  heading: string;
  position: string;
}

interface LayoutDraft {
  name: string;
  dateStyle: string;
  counting: string;
  statusLines: string;
  categories: Record<string, { label: string; description: string }>;
  sections: SectionDraft[];
}

const builtInTitles: Record<BuiltInLayoutName, string> = {
  standard: 'Standard: every report in one list by date, super-complaints in an appendix',
  appendices: 'Appendices: one appendix per closure level (category 2, category 3), then super-complaints',
};

function draftOf(layout: PaperLayout): LayoutDraft {
  return {
    name: layout.name,
    dateStyle: layout.dateStyle,
    counting: layout.counting,
    statusLines: layout.statusLines,
    categories: structuredClone(layout.categories),
    sections: layout.sections.map((section, index) => {
      const ownKeys = columnsOfStyle[section.style];
      const otherKeys = section.style === 'report_table' ? itemColumns : reportColumns;
      // The printed columns in their order, then those left out.
      const own = [
        ...section.columns,
        ...ownKeys.filter((k) => !section.columns.some((c) => c.key === k)).map((key) => ({ key, heading: '' })),
      ];
      return {
        heading: section.heading,
        position: String(index + 1),
        sources: [...section.sources],
        categories: [...section.categories],
        style: section.style,
        grouping: section.grouping,
        categoryTable: section.categoryTable,
        descriptions: section.descriptions,
        columns: [
          ...own.map((c, at) => ({ key: c.key, heading: c.heading, position: String(at + 1) })),
          ...otherKeys.map((key, at) => ({ key, heading: columnDefaults[key], position: String(at + 1) })),
        ],
        emptyText: section.emptyText,
      };
    }),
  };
}

function newSection(count: number): SectionDraft {
  return {
    ...draftOf(builtInPaperLayouts.appendices).sections[0]!,
    heading: '',
    position: String(count + 1),
    categories: [],
    emptyText: 'Nothing to report on.',
  };
}

const field = (index: number, name: string) => `section-${index}-${name}`;

/** The columns of a style as the form sends it (an unknown one: the item table's). */
const keysOf = (style: string): readonly (ReportColumn | ItemColumn)[] =>
  (columnsOfStyle as Record<string, readonly (ReportColumn | ItemColumn)[]>)[style] ?? itemColumns;

/** A whole number from 1 to `count`, or null. */
function positionOf(value: string, count: number): number | null {
  const trimmed = value.trim();
  const position = Number(trimmed);
  return /^\d+$/.test(trimmed) && position >= 1 && position <= count ? position : null;
}

const shownColumns = (section: SectionDraft, keys: readonly string[]) => section.columns.filter((c) => keys.includes(c.key));

/** The columns a section prints: those of its style with a heading, by position (ties in the order shown). */
function printedColumns(section: SectionDraft): ColumnDraft[] {
  const keys = keysOf(section.style);
  return shownColumns(section, keys)
    .filter((c) => c.heading.trim())
    .map((column, shown) => ({ column, shown, position: positionOf(column.position, keys.length) ?? Infinity }))
    .sort((a, b) => a.position - b.position || a.shown - b.shown)
    .map(({ column }) => column);
}

/** The order the form showed the columns in (a hidden field), each column once; any missing in the usual order. */
function columnOrderOf(value: string): (ReportColumn | ItemColumn)[] {
  const all: readonly string[] = [...reportColumns, ...itemColumns];
  const shown = [...new Set(value.split(','))].filter((k): k is ReportColumn | ItemColumn => all.includes(k));
  return [...shown, ...(all as (ReportColumn | ItemColumn)[]).filter((k) => !shown.includes(k))];
}

function draftFromForm(body: FormBody): LayoutDraft {
  const count = Math.min(Math.max(Number(text(body, 'sectionCount')) || 0, 0), 10);
  const sections: SectionDraft[] = [];
  for (let i = 0; i < count; i++) {
    const options = list(body, field(i, 'options'));
    sections.push({
      heading: text(body, field(i, 'heading')),
      position: text(body, field(i, 'position')),
      sources: list(body, field(i, 'sources')),
      categories: list(body, field(i, 'categories')),
      style: text(body, field(i, 'style')),
      grouping: text(body, field(i, 'grouping')),
      categoryTable: options.includes('categoryTable'),
      descriptions: options.includes('descriptions'),
      columns: columnOrderOf(text(body, field(i, 'columns'))).map((key) => ({
        key,
        heading: text(body, field(i, `column-${key}`)),
        position: text(body, field(i, `column-${key}-position`)),
      })),
      emptyText: text(body, field(i, 'emptyText')),
    });
  }
  return {
    name: text(body, 'name'),
    dateStyle: text(body, 'dateStyle'),
    counting: text(body, 'counting'),
    statusLines: text(body, 'statusLines'),
    categories: Object.fromEntries(
      editableCategories.map((c) => [
        c,
        { label: text(body, `category-${c}-label`), description: text(body, `category-${c}-description`) },
      ]),
    ),
    sections,
  };
}

/** The form as a layout for the check, in the order of the positions given, and where each of its sections came from. */
function layoutFromDraft(draft: LayoutDraft): { value: unknown; formIndex: number[]; errors: FormError[] } {
  const errors: FormError[] = [];
  const n = draft.sections.length;
  const positioned = draft.sections.map((section, index) => {
    const position = Number(section.position.trim());
    if (positionOf(section.position, n) === null)
      errors.push({
        field: field(index, 'position'),
        message: `Enter the position of section ${index + 1} as a whole number from 1 to ${n}`,
      });
    // Only the positions of the columns it prints matter.
    const keys = keysOf(section.style);
    for (const column of shownColumns(section, keys).filter((c) => c.heading.trim()))
      if (positionOf(column.position, keys.length) === null)
        errors.push({
          field: field(index, `column-${column.key}-position`),
          message: `Enter the position of column “${columnDefaults[column.key]}” in section ${index + 1} as a whole number from 1 to ${keys.length}`,
        });
    return { section, index, position };
  });
  positioned.sort((a, b) => a.position - b.position || a.index - b.index);
  const value = {
    name: draft.name,
    dateStyle: draft.dateStyle,
    counting: draft.counting,
    statusLines: draft.statusLines,
    categories: draft.categories,
    sections: positioned.map(({ section }) => ({
      heading: section.heading,
      sources: section.sources,
      categories: section.categories,
      style: section.style,
      grouping: section.grouping,
      categoryTable: section.categoryTable,
      descriptions: section.descriptions,
      columns: printedColumns(section).map((c) => ({ key: c.key, heading: c.heading })),
      emptyText: section.emptyText,
    })),
  };
  return { value, formIndex: positioned.map((p) => p.index), errors };
}

/** A problem's path as the id of the field that shows it. */
function fieldOfPath(path: (string | number)[], formIndex: number[], draft: LayoutDraft): string {
  const [first, second, third, fourth] = path;
  if (first === 'categories' && typeof second === 'string')
    return `category-${second}-${third === 'description' ? 'description' : 'label'}`;
  if (first === 'sections' && typeof second === 'number') {
    const index = formIndex[second] ?? second;
    if (third === 'columns') {
      const section = draft.sections[index];
      const column = section && typeof fourth === 'number' ? printedColumns(section)[fourth]?.key : undefined;
      return field(index, `column-${column ?? keysOf(section?.style ?? 'report_table')[0]}`);
    }
    if (typeof third === 'string' && ['heading', 'sources', 'categories', 'style', 'grouping', 'emptyText'].includes(third))
      return field(index, third);
    return field(index, 'heading');
  }
  // Reports of a kind and category that no section takes: shown at the first section's categories.
  if (first === 'sections') return draft.sections.length ? field(0, 'categories') : 'add';
  return typeof first === 'string' && ['name', 'dateStyle', 'counting', 'statusLines'].includes(first) ? first : 'name';
}

const sectionFieldOrder = ['heading', 'position', 'sources', 'categories', 'style', 'grouping', 'column', 'emptyText'];
const order = (id: string) => {
  const m = /^section-(\d+)-([a-zA-Z]+)/.exec(id);
  if (m) return 100 + Number(m[1]) * 10 + Math.max(sectionFieldOrder.indexOf(m[2]!), 0);
  if (id.startsWith('category-')) return 10 + Number(id.split('-')[1]);
  return ['name', 'dateStyle', 'counting', 'statusLines'].indexOf(id);
};

function view(draft: LayoutDraft, errors: FormError[]) {
  const error = (id: string) => {
    const found = errors.filter((e) => e.field === id);
    return found.length ? { text: found.map((e) => e.message).join('. ') } : undefined;
  };
  const radios = (values: readonly string[], labels: Record<string, string>, chosen: string) =>
    values.map((value) => ({ value, text: labels[value], checked: chosen === value }));
  const columnView = (i: number, c: ColumnDraft) => ({
    id: field(i, `column-${c.key}`),
    label: columnDefaults[c.key],
    value: c.heading,
    error: error(field(i, `column-${c.key}`)),
    position: { value: c.position, error: error(field(i, `column-${c.key}-position`)) },
  });
  return {
    name: { value: draft.name, error: error('name') },
    dateStyle: { items: radios(paperDateStyles, paperDateStyleLabels, draft.dateStyle), error: error('dateStyle') },
    counting: { items: radios(countingConventions, countingConventionLabels, draft.counting), error: error('counting') },
    statusLines: { items: radios(statusLineRules, statusLineRuleLabels, draft.statusLines), error: error('statusLines') },
    categories: editableCategories.map((c) => ({
      key: c,
      label: draft.categories[c]?.label ?? '',
      description: draft.categories[c]?.description ?? '',
      labelError: error(`category-${c}-label`),
      descriptionError: error(`category-${c}-description`),
    })),
    sectionCount: draft.sections.length,
    sections: draft.sections.map((s, i) => ({
      index: i,
      number: i + 1,
      heading: { value: s.heading, error: error(field(i, 'heading')) },
      position: { value: s.position, error: error(field(i, 'position')) },
      sources: {
        items: overviewSourceKinds.map((k) => ({ value: k, text: overviewSourceLabels[k], checked: s.sources.includes(k) })),
        error: error(field(i, 'sources')),
      },
      categories: {
        items: layoutCategories.map((k) => ({
          value: k,
          text: k === 'unset' ? `${unsetCategoryLabel} (and reports logged without their items)` : (draft.categories[k]?.label ?? k),
          checked: s.categories.includes(k),
        })),
        error: error(field(i, 'categories')),
      },
      style: { items: radios(sectionStyles, sectionStyleLabels, s.style), error: error(field(i, 'style')) },
      grouping: {
        items: sectionGroupings.map((g) => ({ value: g, text: sectionGroupingLabels[g], selected: s.grouping === g })),
        error: error(field(i, 'grouping')),
      },
      options: [
        { value: 'categoryTable', text: 'A category table at the top (left out when there is nothing to count)', checked: s.categoryTable },
        { value: 'descriptions', text: 'The description of each closure category it takes', checked: s.descriptions },
      ],
      columnOrder: s.columns.map((c) => c.key).join(','),
      reportColumns: shownColumns(s, reportColumns).map((c) => columnView(i, c)),
      itemColumns: shownColumns(s, itemColumns).map((c) => columnView(i, c)),
      emptyText: { value: s.emptyText, error: error(field(i, 'emptyText')) },
    })),
  };
}

export function paperLayoutPages({ render, guard, deps }: AdminContext): Router {
  const router = Router();

  async function page(req: Request, res: Response, draft: LayoutDraft | null, errors: FormError[] = [], status = 200, start?: string) {
    const saved = await paperLayoutDraft(deps.dataSource);
    const chosen = (builtInLayoutNames as readonly string[]).includes(start ?? '') ? (start as BuiltInLayoutName) : null;
    const shown = draft ?? draftOf(chosen ? builtInPaperLayouts[chosen] : saved.layout);
    await render(
      req,
      res,
      'paperLayout.njk',
      {
        title: 'Layout of the committee overview',
        errors: [...errors].sort((a, b) => order(a.field) - order(b.field)),
        done: req.query.done === 'saved',
        saved: saved.saved && {
          on: formatLongDate(calendarDateInLondon(Date.parse(saved.saved.at))),
          by: saved.saved.by,
          name: saved.layout.name,
        },
        startItems: [
          { value: 'saved', text: saved.saved ? `The saved layout: ${saved.layout.name}` : 'The layout in use (the standard one)' },
          ...builtInLayoutNames.map((name) => ({ value: name, text: builtInTitles[name], checked: chosen === name })),
        ].map((item) => ({ ...item, checked: 'checked' in item ? item.checked : !chosen })),
        startedFrom: chosen ? builtInTitles[chosen] : null,
        form: view(shown, errors),
      },
      status,
    );
  }

  router.get('/', guard('papers.layout'), async (req, res) => {
    await page(req, res, null, [], 200, typeof req.query.start === 'string' ? req.query.start : undefined);
  });

  router.post('/', guard('papers.layout'), async (req, res) => {
    const body = formBody(req);
    const draft = draftFromForm(body);
    const action = text(body, 'action');
    if (action === 'add') {
      if (draft.sections.length >= 10) return page(req, res, draft, [{ field: 'add', message: 'A layout has at most 10 sections' }], 400);
      draft.sections.push(newSection(draft.sections.length));
      return page(req, res, draft);
    }
    const removeAt = /^remove-(\d+)$/.exec(action);
    if (removeAt) {
      const index = Number(removeAt[1]);
      draft.sections = draft.sections.filter((_, i) => i !== index).map((s, i) => ({ ...s, position: String(i + 1) }));
      return page(req, res, draft);
    }
    const { value, formIndex, errors } = layoutFromDraft(draft);
    const checked = checkPaperLayout(value);
    if (!checked.ok || errors.length) {
      const problems = checked.ok
        ? []
        : checked.problems.map((p) => ({ field: fieldOfPath(p.path, formIndex, draft), message: sentence(p.message) }));
      return page(req, res, draft, [...errors, ...problems], 400);
    }
    await savePaperLayout(deps.dataSource, checked.layout, actingPersonOf(req.identity!));
    res.redirect(303, '/admin/paper-layout?done=saved');
  });

  return router;
}

const sentence = (message: string) => message.charAt(0).toUpperCase() + message.slice(1);
