import type { StatusLineRule } from '../../domain/paperLayout';
import type { IsoDate } from '../../domain/vocabulary';
import { itemKindLabels, sourceKindLabels } from '../../domain/vocabulary';
import { byReference, compareCodes, compareTitles, isForTheForce, itemsByReport, nameOf, reportStatusLine, stateWords } from './common';
import { dayMonthYear, dueDateHistoryWords, longDate } from './dates';
import type { ItemAsAt, PaperData, ReportAsAt } from './model';
import type { Colour, PaperRules, Scheme } from './rag';
import { defaultPaperRules, figuresAsAt, schemeColour, schemeKey } from './rag';

/**
 * The per-report tracker (docs/papers.md paper 3, seeds 002 and 003): per report its summary line and a table of every
 * item (the force's own and those addressed to others) with reference, kind, text, the status colour in the force's
 * scheme, the whole due-date history ("September 2020, extended to January 2021, now April 2021") and the latest
 * comment. Newest reports first, as the seeds print them.
 */

export interface TrackerOptions {
  scheme: Scheme;
  /** The date of the previous tracker: items closed after it show as "NEW GREEN" in scheme A. */
  previousReport?: IsoDate | null;
  /** Only this report. */
  reportId?: string | null;
  /** The force's reminder policy and calendar, for the status colours (default: the defaults of docs/reminders.md). */
  rules?: PaperRules;
  /** Which status line a report prints (the force's overview layout says; default: its words while current). */
  statusLines?: StatusLineRule;
}

export interface TrackerItem {
  id: string;
  reference: string;
  kind: string;
  text: string;
  colour: Colour;
  dueDates: string;
  comment: string;
}

export interface TrackerReport {
  id: string;
  title: string;
  /** "Inspection by HMICFRS, published 17 December 2020". */
  source: string;
  publishedOn: IsoDate;
  summary: string;
  items: TrackerItem[];
}

export interface TrackerPaper {
  kind: 'tracker';
  asAt: IsoDate;
  scheme: Scheme;
  previousReport: IsoDate | null;
  key: { colour: Colour; meaning: string }[];
  reports: TrackerReport[];
}

/**
 * The comment column: who it is for when it is not the force's; otherwise the latest update, or how it closed, or
 * where it stands ("Submitted to HMICFRS, awaiting sign-off") when nobody has written an update.
 */
export function trackerComment(item: ItemAsAt, people: Record<string, string>): string {
  if (!isForTheForce(item)) {
    if (item.addressedTo.trim()) return `This action is for ${item.addressedTo.trim()}`;
    return item.notForTheForceReason ?? 'This action is not for the force';
  }
  const update = item.latestUpdate;
  if (update) {
    const by = nameOf(people, update.by);
    return `${update.text} (${[by, dayMonthYear(update.on)].filter(Boolean).join(', ')})`;
  }
  if (item.closure) return item.closure.reason;
  return item.status === 'in_progress' ? '' : stateWords(item);
}

function trackerItem(item: ItemAsAt, data: PaperData, options: TrackerOptions, figuresOf: ReturnType<typeof figuresAsAt>): TrackerItem {
  const position = figuresOf(item).rag;
  return {
    id: item.id,
    reference: item.reference,
    kind: itemKindLabels[item.kind] ?? item.kind,
    text: item.text,
    colour: schemeColour(options.scheme, position, item, options.previousReport ?? null),
    dueDates: !isForTheForce(item) && item.dueDateHistory.length === 0 ? '' : dueDateHistoryWords(item.dueDateHistory),
    comment: trackerComment(item, data.people),
  };
}

function sourceWords(report: ReportAsAt): string {
  const kind = sourceKindLabels[report.kind] ?? 'Report';
  const scope = report.scope === 'force' ? 'force' : 'national';
  return `${kind} (${scope}) by ${report.originator}, published ${report.publishedOn ? longDate(report.publishedOn) : 'date unknown'}`;
}

export function buildTracker(data: PaperData, options: TrackerOptions): TrackerPaper {
  const itemsOf = itemsByReport(data.items);
  const rules = options.rules ?? defaultPaperRules;
  const figuresOf = figuresAsAt(data.asAt, rules);
  const reports = data.reports
    .filter((report) => !options.reportId || report.id === options.reportId)
    .sort((a, b) => compareCodes(b.publishedOn, a.publishedOn) || compareTitles(a.title, b.title) || compareCodes(a.id, b.id));
  return {
    kind: 'tracker',
    asAt: data.asAt,
    scheme: options.scheme,
    previousReport: options.previousReport ?? null,
    key: schemeKey(options.scheme, rules),
    reports: reports.map((report) => {
      const items = itemsOf.get(report.id) ?? [];
      return {
        id: report.id,
        title: report.title,
        source: sourceWords(report),
        publishedOn: report.publishedOn,
        summary: reportStatusLine(report, items, options.statusLines ?? 'stated_while_current'),
        items: byReference(items).map((item) => trackerItem(item, data, options, figuresOf)),
      };
    }),
  };
}
