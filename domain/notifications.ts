import type { LifecycleEvent, RecommendationState } from './lifecycle';

/** Which email each recorded event causes, and to whom. Rendering and sending live in activities. */
export const emailTemplates = ['assignment'] as const;
export type EmailTemplate = (typeof emailTemplates)[number];

export interface Notification {
  template: EmailTemplate;
  recipientId: string;
}

export function notificationsFor(event: LifecycleEvent, after: RecommendationState): Notification[] {
  switch (event.type) {
    case 'owner_assigned':
      return after.ownerId ? [{ template: 'assignment', recipientId: after.ownerId }] : [];
    default:
      return [];
  }
}
