import { describePeriod, figureCutoffs, figuresFrom, type FigureCutoffs, type ItemFigures } from '../../domain/figures';
import type { RagStatus, SchemeAColour, SchemeBStatus } from '../../domain/rag';
import { schemeADefinitions, schemeAColours, toSchemeA, toSchemeB } from '../../domain/rag';
import { defaultReminderPolicy, type ReminderPolicy } from '../../domain/reminders/policy';
import { englandAndWalesCalendar, type WorkingCalendar } from '../../domain/workingDays';
import type { IsoDate } from '../../domain/vocabulary';
import type { ItemAsAt } from './model';

/**
 * Status colours on the papers: the canonical status and the scheme mappings are domain/rag.ts's
 * (docs/papers.md, "Status colours (RAG) differ by force"); this adds what printing needs: the cell colours, the key,
 * and items addressed to other bodies, which the papers show as not for the force.
 */

export const schemes = ['A', 'B'] as const;
export type Scheme = (typeof schemes)[number];

export interface Colour {
  /** What the paper prints: "AMBER", "At risk". */
  label: string;
  /** Cell fill, as six hex digits. */
  fill: string;
  /** Text colour on that fill. */
  ink: string;
}

/** Black on red, not white: white on #FF0000 is 4:1, under the 4.5:1 WCAG AA asks of text (black is 5.3:1). */
const schemeAFills: Record<SchemeAColour, [string, string]> = {
  GREEN: ['00B050', '000000'],
  'NEW GREEN': ['92D050', '000000'],
  AMBER: ['FFC000', '000000'],
  RED: ['FF0000', '000000'],
  WHITE: ['FFFFFF', '000000'],
  PURPLE: ['7030A0', 'FFFFFF'],
};

/** Scheme B does not list items that are not the force's; a tracker does, and calls them that. */
const NOT_FOR_THE_FORCE = 'Not for the force';
const schemeBFills: Record<SchemeBStatus | typeof NOT_FOR_THE_FORCE, [string, string]> = {
  'On target': ['00B050', '000000'],
  'At risk': ['FFC000', '000000'],
  'Off target': ['FF0000', '000000'],
  'Proposed for closure': ['9DC3E6', '000000'],
  Closed: ['BFBFBF', '000000'],
  [NOT_FOR_THE_FORCE]: ['FFFFFF', '000000'],
};

const colour = (label: string, [fill, ink]: [string, string]): Colour => ({ label, fill, ink });

/** What the papers' figures are computed under: the force's reminder policy (its at-risk window) and calendar. */
export interface PaperRules {
  policy: ReminderPolicy;
  calendar: WorkingCalendar;
}

export const defaultPaperRules: PaperRules = { policy: defaultReminderPolicy, calendar: englandAndWalesCalendar };

/** The figures of a paper's items as at one date: the cut-offs are computed once per paper, not once per item. */
export function figuresAsAt(
  asAt: IsoDate,
  rules: PaperRules = defaultPaperRules,
): (item: Pick<ItemAsAt, 'status' | 'dueDate' | 'atRisk' | 'forTheForce'>) => ItemFigures {
  const cutoffs: FigureCutoffs = figureCutoffs(asAt, rules.policy, rules.calendar);
  return (item) => figuresFrom(item, cutoffs, rules.calendar);
}

/** The canonical status as at `asAt` (domain/figures.ts); items addressed to national bodies are not the force's, whatever their status. */
export function itemRag(
  item: Pick<ItemAsAt, 'status' | 'dueDate' | 'atRisk' | 'forTheForce'>,
  asAt: IsoDate,
  rules: PaperRules = defaultPaperRules,
): RagStatus {
  return figuresAsAt(asAt, rules)(item).rag;
}

/** The colour an item shows in the force's scheme; `lastReportDate` makes items closed on time since then NEW GREEN. */
export function schemeColour(
  scheme: Scheme,
  rag: RagStatus,
  item: Pick<ItemAsAt, 'id' | 'category' | 'status' | 'dueDate' | 'atRisk' | 'closure'>,
  lastReportDate: IsoDate | null,
): Colour {
  if (scheme === 'A') {
    const name = toSchemeA(rag, item, lastReportDate ?? undefined);
    return colour(name, schemeAFills[name]);
  }
  const label = toSchemeB(rag) ?? NOT_FOR_THE_FORCE;
  return colour(label, schemeBFills[label]);
}

/** What Scheme B's statuses mean under the force's rules (domain/figures.ts): its own at-risk window. */
const schemeBMeanings = (rules: PaperRules): Record<SchemeBStatus | typeof NOT_FOR_THE_FORCE, string> => ({
  'On target': 'On target to deliver by the target date',
  'At risk': `Due within the next ${describePeriod(rules.policy.atRiskWithin)} and not yet evidenced, or flagged at risk by the owner`,
  'Off target': 'Past the target date and not yet evidenced',
  'Proposed for closure': 'Evidence submitted: awaiting approval, self-certification or HMICFRS',
  Closed: 'Closed',
  [NOT_FOR_THE_FORCE]: 'Addressed to another body: tracked for awareness only',
});

/** The key printed with a tracker: each colour of the scheme and what it means. */
export function schemeKey(scheme: Scheme, rules: PaperRules = defaultPaperRules): { colour: Colour; meaning: string }[] {
  if (scheme === 'A')
    return schemeAColours.map((name) => ({ colour: colour(name, schemeAFills[name]), meaning: schemeADefinitions[name] }));
  const meanings = schemeBMeanings(rules);
  return (Object.keys(meanings) as (keyof typeof meanings)[]).map((label) => ({
    colour: colour(label, schemeBFills[label]),
    meaning: meanings[label],
  }));
}
