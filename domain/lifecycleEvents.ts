/** Moved to domain/lifecycle/events.ts; kept for the modules that still import it from here. */
export * from './lifecycle/events';
