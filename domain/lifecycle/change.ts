import type { RecommendationState } from './states';
import type { LifecycleEventData } from './events';
import type { Decision, LifecycleEvent, LifecycleNotification, NotificationTemplate } from './context';

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, index) => deepEqual(value, b[index]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!deepEqual(left[key], right[key])) return false;
  return true;
}

/** Builds the next state event by event; never touches the state it started from. */
export class Change {
  state: RecommendationState;
  readonly events: LifecycleEvent[] = [];

  constructor(
    start: RecommendationState,
    private readonly at?: string,
  ) {
    this.state = start;
  }

  record(data: LifecycleEventData, patch: Partial<RecommendationState>, notify: Array<LifecycleNotification | null> = []): void {
    const next: RecommendationState = { ...this.state, ...patch };
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const key of Object.keys(patch) as Array<keyof RecommendationState>) {
      if (!deepEqual(this.state[key], next[key])) {
        before[key] = this.state[key];
        after[key] = next[key];
      }
    }
    const recipients: LifecycleNotification[] = [];
    for (const entry of notify) {
      if (entry && !recipients.some((known) => known.personId === entry.personId && known.template === entry.template))
        recipients.push(entry);
    }
    const event: LifecycleEvent = { ...data, before: before as Partial<RecommendationState>, after: after as Partial<RecommendationState> };
    if (recipients.length > 0) event.notify = recipients;
    if (this.at !== undefined) event.at = this.at;
    this.events.push(event);
    this.state = next;
  }

  done(): Decision {
    return { accepted: true, state: this.state, events: this.events };
  }
}

/** A notification for `personId`, or nothing when there is nobody to tell. */
export const tell = (personId: string | null | undefined, template: NotificationTemplate): LifecycleNotification | null =>
  personId ? { personId, template } : null;
