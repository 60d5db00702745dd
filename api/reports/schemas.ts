import { calendarDateInLondon } from '../../domain/calendar';
import { z } from 'zod';
import { closureCategories, itemKinds, sourceKinds, sourceScopes } from '../../domain/vocabulary';
import { isoDate, partSchema } from '../../domain/lifecycle/fields';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** A part of an item that progresses separately: given when the item is logged, or added later (addPart). */
export const newPartSchema = partSchema;

export const newRecommendationSchema = z
  .object({
    reference: text(40),
    kind: z.enum(itemKinds),
    text: text(20_000),
    addressedTo: z.string().trim().max(500).default(''),
    forTheForce: z.boolean().default(true),
    category: z
      .number()
      .refine((n): n is (typeof closureCategories)[number] => (closureCategories as readonly number[]).includes(n), {
        message: 'must be 1, 2, 3 or 4',
      })
      .nullable()
      .default(null),
    department: z.string().trim().max(200).nullable().default(null),
    parts: z
      .array(newPartSchema.strict())
      .max(50, 'an item may have at most 50 parts')
      .default([])
      .superRefine((parts, ctx) => {
        parts.forEach((part, index) => {
          if (parts.findIndex((other) => other.reference === part.reference) < index)
            ctx.addIssue({ code: 'custom', path: [index, 'reference'], message: `part "${part.reference}" is listed twice` });
        });
      }),
  })
  .strict();

export const newReportSchema = z
  .object({
    title: text(500),
    originator: text(200),
    kind: z.enum(sourceKinds),
    scope: z.enum(sourceScopes),
    publishedOn: isoDate,
    /** The report's status as the force states it ("All recommendations closed"); papers print it while it is current (domain/paperLayout.ts). */
    statusLine: z
      .string()
      .trim()
      .max(2_000, 'must be at most 2,000 characters')
      .nullable()
      .default(null)
      .transform((value) => value || null),
    /** When the force logged it, if before today: its papers as at earlier dates then list it. */
    loggedOn: isoDate.nullable().default(null),
    recommendations: z.array(newRecommendationSchema).max(500, 'a report may list at most 500 items').default([]),
  })
  .strict()
  .superRefine((report, ctx) => {
    if (report.loggedOn && report.loggedOn < report.publishedOn)
      ctx.addIssue({ code: 'custom', path: ['loggedOn'], message: `must not be before the publication date (${report.publishedOn})` });
    if (report.loggedOn && report.loggedOn > calendarDateInLondon(Date.now()))
      ctx.addIssue({ code: 'custom', path: ['loggedOn'], message: 'must not be after today' });
    const seen = new Set<string>();
    report.recommendations.forEach((item, index) => {
      if (seen.has(item.reference)) {
        ctx.addIssue({
          code: 'custom',
          path: ['recommendations', index, 'reference'],
          message: `reference "${item.reference}" is used twice in this report`,
        });
      }
      seen.add(item.reference);
    });
  });

export type NewReport = z.output<typeof newReportSchema>;
export type NewRecommendation = z.output<typeof newRecommendationSchema>;
