import type { RecommendationState } from '../domain/lifecycleStates';
import { initialState } from '../domain/lifecycleStates';
import type { RagStatus, SchemeAColour, SchemeBStatus } from '../domain/rag';
import { ragStatus, schemeADefinitions, schemeAColours, toSchemeA, toSchemeB } from '../domain/rag';
import type { IsoDate } from '../domain/vocabulary';
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

const schemeAFills: Record<SchemeAColour, [string, string]> = {
  GREEN: ['00B050', '000000'],
  'NEW GREEN': ['92D050', '000000'],
  AMBER: ['FFC000', '000000'],
  RED: ['FF0000', 'FFFFFF'],
  WHITE: ['FFFFFF', '000000'],
  PURPLE: ['7030A0', 'FFFFFF'],
};

/** Scheme B does not list items that are not the force's; a tracker does, and calls them that. */
const NOT_FOR_THE_FORCE = 'Not for the force';
const schemeBFills: Record<SchemeBStatus | typeof NOT_FOR_THE_FORCE, [string, string]> = {
  'On target': ['00B050', '000000'],
  'At risk': ['FFC000', '000000'],
  'Off target': ['FF0000', 'FFFFFF'],
  'Proposed for closure': ['9DC3E6', '000000'],
  Closed: ['BFBFBF', '000000'],
  [NOT_FOR_THE_FORCE]: ['FFFFFF', '000000'],
};

const colour = (label: string, [fill, ink]: [string, string]): Colour => ({ label, fill, ink });

/** The item as the lifecycle state domain/rag.ts's canonical status reads (status, due date, at-risk flag). */
function stateOf(item: Pick<ItemAsAt, 'id' | 'category' | 'status' | 'dueDate' | 'atRisk'>): RecommendationState {
  return { ...initialState(item.id, item.category), status: item.status, dueDate: item.dueDate, atRisk: item.atRisk };
}

/** The canonical status as at `asAt`; items addressed to national bodies are not the force's, whatever their status. */
export function itemRag(item: Pick<ItemAsAt, 'id' | 'category' | 'status' | 'dueDate' | 'atRisk' | 'closure' | 'forTheForce'>, asAt: IsoDate): RagStatus {
  if (!item.forTheForce) return 'not_for_the_force';
  return ragStatus(stateOf(item), asAt);
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

const schemeBMeanings: Record<SchemeBStatus | typeof NOT_FOR_THE_FORCE, string> = {
  'On target': 'On target to deliver by the target date',
  'At risk': 'Due within the next three months and not yet evidenced, or flagged at risk by the owner',
  'Off target': 'Past the target date and not yet evidenced',
  'Proposed for closure': 'Evidence submitted: awaiting approval, self-certification or HMICFRS',
  Closed: 'Closed',
  [NOT_FOR_THE_FORCE]: 'Addressed to another body: tracked for awareness only',
};

/** The key printed with a tracker: each colour of the scheme and what it means. */
export function schemeKey(scheme: Scheme): { colour: Colour; meaning: string }[] {
  if (scheme === 'A') return schemeAColours.map((name) => ({ colour: colour(name, schemeAFills[name]), meaning: schemeADefinitions[name] }));
  return (Object.keys(schemeBMeanings) as (keyof typeof schemeBMeanings)[]).map((label) => ({ colour: colour(label, schemeBFills[label]), meaning: schemeBMeanings[label] }));
}
