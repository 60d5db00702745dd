import type { FigureCutoffs } from '../../domain/figures';
import { working } from './listQuery';

/**
 * figuresFrom (domain/figures.ts) in SQL, over the same cut-offs, for a query builder whose recommendation is `r`:
 * these conditions and that function must say the same of every item (the list reports each item's figures;
 * tests/integration/figures.test.ts compares every surface). The list's filters and the metrics both use them.
 */
export function figureConditions(cutoffs: FigureCutoffs): { overdue: string; atRisk: string; parameters: Record<string, unknown> } {
  const withOwner = `(r.status IN (:...working) AND r.for_the_force AND r.status <> 'not_for_the_force')`;
  return {
    overdue: `(${withOwner} AND r.due_date <= CAST(:overdueDueBy AS date))`,
    atRisk: `(${withOwner} AND NOT COALESCE(r.due_date <= CAST(:overdueDueBy AS date), false) AND (jsonb_typeof(r.state->'atRisk') = 'object' OR r.due_date <= CAST(:atRiskDueBy AS date)))`,
    parameters: { working, overdueDueBy: cutoffs.overdueDueBy, atRiskDueBy: cutoffs.atRiskDueBy },
  };
}
