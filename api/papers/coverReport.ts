import { z } from 'zod';
import type { Block } from './layout';
import { paperTitles, type PaperKind } from './model';

/**
 * The cover report a committee paper opens with, in the shape of a force's committee report template: who it is for
 * and from, its purpose, the recommendation to the committee, background, then the standard implications sections.
 * One per paper kind; the last one saved is printed before the paper and is the starting point of the next.
 */

export const coverSections = [
  { key: 'reportTo', heading: 'Report to', maxLength: 200, required: true },
  { key: 'reportOf', heading: 'Report of', maxLength: 200, required: true },
  { key: 'purpose', heading: 'Purpose of the report', maxLength: 2000, required: true },
  { key: 'recommendation', heading: 'Recommendation', maxLength: 1000, required: true },
  { key: 'background', heading: 'Background', maxLength: 6000, required: false },
  { key: 'financial', heading: 'Financial implications and budget provision', maxLength: 2000, required: false },
  { key: 'humanResources', heading: 'Human resources implications', maxLength: 2000, required: false },
  { key: 'equality', heading: 'Equality implications', maxLength: 2000, required: false },
  { key: 'risk', heading: 'Risk management', maxLength: 2000, required: false },
  { key: 'policy', heading: 'Policy implications and links to the Police and Crime Plan', maxLength: 2000, required: false },
  { key: 'legal', heading: 'Changes in legislation or other legal considerations', maxLength: 2000, required: false },
  { key: 'consultation', heading: 'Details of outcome of consultation', maxLength: 2000, required: false },
] as const;

export type CoverSectionKey = (typeof coverSections)[number]['key'];
export type CoverReportText = Record<CoverSectionKey, string>;

export interface SavedCoverReport {
  kind: PaperKind;
  text: CoverReportText;
  savedAt: string;
  savedBy: string;
}

const limit = (n: number) => n.toLocaleString('en-GB');

const sectionSchema = (s: (typeof coverSections)[number]) =>
  z
    .string({ message: `${s.heading} must be text` })
    .transform((value) => value.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(s.required ? 1 : 0, { message: `Enter the ${s.heading.toLowerCase()}` })
        .max(s.maxLength, { message: `${s.heading} must be ${limit(s.maxLength)} characters or fewer` }),
    )
    .describe(`${s.heading}${s.required ? '' : ' (may be empty: the section is then left out)'}; at most ${limit(s.maxLength)} characters`);

/** The body of a save, as the API and the page both check it: each field named with its reason. */
export const coverReportSchema = z
  .object(
    Object.fromEntries(coverSections.map((s) => [s.key, sectionSchema(s)])) as Record<CoverSectionKey, ReturnType<typeof sectionSchema>>,
  )
  .strict();

const purposes: Record<PaperKind, string> = {
  overview:
    'To provide the committee with an overview of the force’s progress against the recommendations made to it in HMICFRS inspection reports and super-complaint investigations.',
  quarterly:
    'To update the committee on the progress of actions arising from recommendations made by audit and inspection, this quarter compared with the last.',
  tracker: 'To inform the committee of the status of the recommendations made to the force in HMICFRS reports.',
};

const backgrounds: Record<PaperKind, string> = {
  overview:
    'HMICFRS inspects the force and makes recommendations and areas for improvement. Each is assigned to an owner and a lead, tracked to closure and, where HMICFRS asks, submitted to HMICFRS for sign-off. The appendix lists each report with its status and its outstanding and closed recommendations, by closure category, with super-complaints in their own appendix.',
  quarterly:
    'Actions arising from internal and external audit and from inspection are tracked to completion. The appendix summarises the actions off target, at risk of being off target, proposed for closure and new this quarter, and lists each with its target date, manager responsible and latest update.',
  tracker:
    'Each recommendation is assigned to a business lead, who reports progress for each committee. The appendix gives each report’s recommendations with their status, due date and latest comment.',
};

/** The first cover report of a kind, before anyone has saved one. */
export function defaultCoverReport(kind: PaperKind): CoverReportText {
  return {
    reportTo: 'Audit and Scrutiny Panel',
    reportOf: 'The Chief Constable',
    purpose: purposes[kind],
    recommendation: 'That the progress update be noted.',
    background: backgrounds[kind],
    financial: 'There are no financial implications arising from this report.',
    humanResources: 'There are no human resources implications arising from this report.',
    equality: 'There are no equality implications arising from this report.',
    risk: 'Recommendations not implemented by their due date are reported as off target and escalated to the lead and the Deputy Chief Constable until they are resolved or their due date is extended.',
    policy: 'There are no policy implications arising from this report.',
    legal: 'There are no changes in legislation or other legal considerations arising from this report.',
    consultation: 'Action owners and leads have been asked for a progress update on each open recommendation for this committee.',
  };
}

/** The cover report laid out for the renderers: printed before the paper it covers, empty sections left out. */
export function coverReportBlocks(kind: PaperKind, text: CoverReportText): Block[] {
  const blocks: Block[] = [{ type: 'heading', level: 2, text: 'Cover report' }];
  let number = 0;
  for (const section of coverSections) {
    const value = text[section.key];
    if (!value) continue;
    if (section.key === 'reportTo' || section.key === 'reportOf') {
      blocks.push({ type: 'paragraph', bold: true, text: `${section.heading}: ${value}` });
      continue;
    }
    number += 1;
    blocks.push({ type: 'heading', level: 3, text: `${number}. ${section.heading}` });
    for (const paragraph of value
      .split(/\n\s*\n|\n/)
      .map((p) => p.trim())
      .filter(Boolean))
      blocks.push({ type: 'paragraph', text: paragraph });
  }
  blocks.push({ type: 'heading', level: 3, text: `${number + 1}. Appendix` });
  blocks.push({ type: 'paragraph', text: `Appendix: ${paperTitles[kind]}.` });
  return blocks;
}
