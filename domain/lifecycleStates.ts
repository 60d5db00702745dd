/** Moved to domain/lifecycle/states.ts; kept for the modules that still import it from here. */
export * from './lifecycle/states';
