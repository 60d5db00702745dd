/**
 * Statuses as forces write them ("Evidence submitted to HMICFRS for review. Awaiting feedback.", "HMICFRS have agreed
 * closure of these recommendations.") and what they mean among the import's own statuses (`importStatuses` in
 * ./trackerImport.ts). Pure: a proposal for each wording, with why; the person confirms or changes it, and the api keeps
 * the force's confirmed mappings for its next import.
 */

/** The import statuses a wording can be mapped to, one per meaning, in lifecycle order, with how a person reads them. */
export const statusMeanings = [
  { status: 'logged', label: 'Logged, not yet assigned' },
  { status: 'not for the force', label: 'Not for the force (tracked for awareness)' },
  { status: 'assigned', label: 'Assigned, work not started' },
  { status: 'in progress', label: 'In progress' },
  { status: 'at risk', label: 'In progress, at risk' },
  { status: 'awaiting approval', label: 'Evidence in, awaiting approval' },
  { status: 'approved', label: 'Approved, awaiting self-certification' },
  { status: 'self-certified', label: 'Self-certified (closes or goes to HMICFRS by category)' },
  { status: 'submitted to hmicfrs', label: 'Submitted to HMICFRS, awaiting sign-off' },
  { status: 'reality test at next inspection', label: 'To be reality-tested at the next inspection' },
  { status: 'awaiting verification visit', label: 'Awaiting an HMICFRS verification visit' },
  { status: 'closed', label: 'Closed (how follows from the category)' },
  { status: 'signed off', label: 'Closed, signed off by HMICFRS' },
  { status: 'no action required', label: 'Closed, no action required' },
  { status: 'business as usual', label: 'Closed, now business as usual' },
  { status: 'no longer relevant', label: 'Closed, no longer relevant' },
] as const;
export type StatusMeaning = (typeof statusMeanings)[number]['status'];

export const isStatusMeaning = (value: string): value is StatusMeaning => statusMeanings.some((meaning) => meaning.status === value);

/** A wording as the mapping keys it: lower case, spaces collapsed, without leading dashes or bullets and trailing full stops. */
export function statusWordingKey(wording: string): string {
  return wording
    .toLowerCase()
    .replace(/[‐‑–—]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[-•*:\s]+/, '')
    .replace(/[.;,\s]+$/, '');
}

export interface StatusProposal {
  status: StatusMeaning;
  /** Why, for the person confirming it: the words that decided it. */
  why: string;
}

/**
 * Keyword rules, the most advanced fact first: a cell often says several things ("Complete – awaiting HMICFRS
 * sign-off"), and the furthest state it names is where the item stands.
 */
const rules: { pattern: RegExp; status: StatusMeaning; why: string }[] = [
  { pattern: /\bno longer relevant\b|\bsuperseded\b|\bwithdrawn\b/, status: 'no longer relevant', why: 'says it is no longer relevant' },
  { pattern: /\bbusiness as usual\b|\bbau\b/, status: 'business as usual', why: 'says it is now business as usual' },
  { pattern: /\bno (further )?action (is )?required\b/, status: 'no action required', why: 'says no action is required' },
  {
    pattern: /\bagreed (the )?closure\b|\bclosure (was |has been )?agreed\b|\bsigned off\b|\bdischarged\b/,
    status: 'closed',
    why: 'says closure was agreed',
  },
  { pattern: /\breality[- ]test/, status: 'reality test at next inspection', why: 'says it will be reality-tested' },
  { pattern: /\bverification visit\b|\brevisit\b/, status: 'awaiting verification visit', why: 'says HMICFRS will visit to verify' },
  {
    pattern: /\b(submitted|sent|passed|with) (to )?(the )?hmic(frs)?\b|\bawaiting (hmic(frs)? )?(feedback|sign[- ]off|response)\b/,
    status: 'submitted to hmicfrs',
    why: 'says it is with HMICFRS, awaiting their answer',
  },
  { pattern: /\bself[- ]certif/, status: 'self-certified', why: 'says it is self-certified' },
  { pattern: /\bapproved\b/, status: 'approved', why: 'says the closure was approved' },
  {
    pattern: /\b(awaiting|pending|for) (closure )?approval\b|\bproposed for closure\b|\bevidence (submitted|provided)\b/,
    status: 'awaiting approval',
    why: 'says evidence is in, awaiting approval',
  },
  {
    pattern: /\bnot for (the )?force\b|\bnot applicable\b|\bfor information\b|\bnational (body|recommendation)\b/,
    status: 'not for the force',
    why: 'says it is not for the force',
  },
  { pattern: /\b(not (yet )?(started|commenced)|yet to start)\b/, status: 'assigned', why: 'says work has not started' },
  { pattern: /\bnot (yet )?(closed|complete|completed|implemented|achieved)\b/, status: 'in progress', why: 'says it is not yet complete' },
  { pattern: /\b(closed|complete|completed|implemented|achieved|done)\b/, status: 'closed', why: 'says it is closed or complete' },
  { pattern: /\bat risk\b|\bdelayed\b|\boff target\b|\boverdue\b|\bbehind\b/, status: 'at risk', why: 'says it is at risk or late' },
  {
    pattern: /\bin progress\b|\bongoing\b|\bunder ?way\b|\bon (target|track)\b|\bstarted\b|\bprogressing\b|\bopen\b/,
    status: 'in progress',
    why: 'says work is in progress',
  },
  { pattern: /^(new|logged|awaiting (assignment|an owner))$/, status: 'logged', why: 'says it is new, not yet assigned' },
];

/** The closest import status for a force's wording, and why; a wording no rule reads is proposed as in progress. */
export function proposeStatus(wording: string): StatusProposal {
  const key = statusWordingKey(wording);
  for (const rule of rules) {
    const match = rule.pattern.exec(key);
    if (match) return { status: rule.status, why: `${rule.why} (“${match[0]}”)` };
  }
  return { status: 'in progress', why: 'no words the import recognises: an open item in progress is the likeliest; check it' };
}
