import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleWorkflowCode } from '@temporalio/worker';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { reminderPolicyWith, sendInstant, type ReminderPolicy } from '../domain/reminderPolicy';
import type { Role } from '../domain/vocabulary';
import { OutboundEmail, Person } from '../entities';
import type { Logger } from '../runtime/logger';
import { nextNudgeQuery, recommendationWorkflowId } from '../workflows/messages';
import { startSharedServices, type StartedServices } from '../tests/support/sharedServices';
import { elapsed, startBenchProduct, stopEverythingOnExit, isoDateInDays, pool, quietWebpack, say, seconds } from './common';
import { table } from './stats';

/**
 * `npm run bench:reminders` (and the second half of `npm run bench`): N reminders fall due at the same instant;
 * how long until the SMTP sink has accepted all of them, how many duplicates, and the worker's memory.
 * Target (issue 5): N = 10,000 in under 60 s, no duplicates. Prints only; writes nothing into the repository.
 *
 *   npm run bench:reminders -- --items 1000 --lead 40      (or BENCH_REMINDER_ITEMS, BENCH_REMINDER_LEAD)
 *
 * How: N items through the API (reports of up to 500, then `assign` with the same due date D, far away, to owners
 * who chose `immediate` reminders, 100 items each, so every reminder is its own email), all assignment emails
 * drained; then one PUT /api/settings/reminders whose only due-date reminder is a duration "PTxS" before D, with x
 * chosen so that it lands at one instant X, `lead` seconds after the PUT. The PUT signals every open workflow to
 * reschedule; at X every workflow's timer fires, sendNudge queues the email and sendOutboundEmails sends it.
 * The clock runs from X until the sink holds N new messages. Worker memory is this process's (the worker, the
 * HTTP API and the SMTP sink all run in it), sampled every second.
 */

const ITEMS_PER_REPORT = 500;
const ITEMS_PER_OWNER = 100;
const TARGET_MS = 60_000;

interface Options {
  items: number;
  concurrency: number;
  leadS: number | null;
  timeoutS: number;
}

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: npm run bench:reminders -- [--items N] [--concurrency C] [--lead S] [--timeout S]\n` +
      '  --items N        reminders that fall due at once (default 10000, or BENCH_REMINDER_ITEMS)\n' +
      '  --concurrency C  assign requests in flight during set-up (default 16, or BENCH_CONCURRENCY)\n' +
      '  --lead S         seconds from the settings change to the instant all fall due (default 30 + N/40: the PUT and the reschedule must finish first)\n' +
      '  --timeout S      give up waiting for the emails this long after that instant (default 600)\n',
  );
  process.exit(2);
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`${name} must be a positive whole number, not "${value}"`);
  return n;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(items|concurrency|lead|timeout)(?:=(.*))?$/.exec(arg);
    if (!match) usage(`unknown argument "${arg}"`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) usage(`--${match[1]} needs a value`);
    flags[match[1]!] = value;
  }
  const lead = flags.lead ?? env.BENCH_REMINDER_LEAD;
  return {
    items: positiveInt(flags.items ?? env.BENCH_REMINDER_ITEMS, '--items', 10_000),
    concurrency: positiveInt(flags.concurrency ?? env.BENCH_CONCURRENCY, '--concurrency', 16),
    leadS: lead === undefined || lead === '' ? null : positiveInt(lead, '--lead', 30),
    timeoutS: positiveInt(flags.timeout, '--timeout', 600),
  };
}


const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));





/** Peak and latest memory of this process, sampled every second. */
function memorySampler() {
  let peakRss = 0;
  let peakHeap = 0;
  let samples = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
    samples++;
  };
  sample();
  const timer = setInterval(sample, 1000);
  timer.unref();
  return {
    reset() {
      peakRss = 0;
      peakHeap = 0;
      samples = 0;
      sample();
    },
    read() {
      sample();
      return { peakRss, peakHeap, samples };
    },
    stop: () => clearInterval(timer),
  };
}

const MESSAGE_FILE = /^(\d{13})-\d{6}-[0-9a-f]{8}\.eml$/;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const N = options.items;
  const leadS = options.leadS ?? Math.ceil(30 + N / 40);
  const logger: Logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
  const suffix = randomBytes(4).toString('hex');

  const { cleanups, stopAll } = stopEverythingOnExit();

  const runStarted = performance.now();
  const cpus = os.cpus();
  say(`${N} reminders falling due at the same instant: time until the SMTP sink has them all, duplicates, worker memory`);
  say(`  cpus: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}   memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB   node ${process.version}`);
  say(`  owners: one per ${ITEMS_PER_OWNER} items, digest preference "immediate" (each reminder is its own email, no digests)`);
  say('');

  const memory = memorySampler();
  cleanups.push({ what: 'the memory sampler', run: async () => memory.stop() });
  const phases: [string, string][] = [];

  try {
    // -- services, the product --------------------------------------------------------------------------------
    let t = performance.now();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-reminders-'));
    fs.chmodSync(workDir, 0o755);
    cleanups.push({ what: 'the work folder', run: async () => fs.rmSync(workDir, { recursive: true, force: true }) });
    const started: StartedServices = { postgres: null, temporal: null };
    cleanups.push({ what: 'PostgreSQL and Temporal', run: () => Promise.allSettled([started.temporal?.stop(), started.postgres?.stop()]) });
    const [{ postgresUrl, temporalAddress }, bundle] = await Promise.all([
      startSharedServices({ workDir, logger }, started),
      bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietWebpack(logger) }),
    ]);
    const { app, mailDir } = await startBenchProduct({ postgresUrl, temporalAddress, workDir, name: `rt_bench_reminders_${suffix}`, taskQueue: `bench-reminders-${suffix}`, logger, bundle, cleanups });
    const baseUrl = app.httpUrl!;
    phases.push(['services, bundle and product started', seconds(elapsed(t))]);
    say(`  services, bundle and product ready in ${seconds(elapsed(t))}`);

    // -- people and tokens -----------------------------------------------------------------------------------
    const repo = app.dataSource.getRepository(Person);
    const person = (name: string, email: string, role: Role, digestPreference: Person['digestPreference'] = 'daily') =>
      repo.save(repo.create({ name, email, roles: [role], jobTitle: role, department: 'Public Protection', digestPreference }));
    const ownerCount = Math.ceil(N / ITEMS_PER_OWNER);
    const owners: Person[] = [];
    for (let i = 0; i < ownerCount; i++) owners.push(await person(`Owner ${i + 1}`, `owner.${i + 1}@bench.police.uk`, 'action_owner', 'immediate'));
    const lead = await person('Leonard Marsh', 'leonard.marsh@bench.police.uk', 'lead');
    const administrator = await person('Alan Whitlock', 'alan.whitlock@bench.police.uk', 'administrator');
    const token = (await app.services.auth.issueApiToken({ personId: administrator.id, name: 'benchmark', expiresAt: null }, { id: null, label: 'Benchmark setup' })).token;
    const send = async (method: string, urlPath: string, body: unknown): Promise<{ status: number; json: unknown }> => {
      const response = await fetch(`${baseUrl}${urlPath}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    };

    // -- N recommendations through the API ---------------------------------------------------------------------
    t = performance.now();
    const reports: number[] = [];
    for (let i = 0; i < N; i += ITEMS_PER_REPORT) reports.push(Math.min(ITEMS_PER_REPORT, N - i));
    const idsByReport: string[][] = new Array(reports.length);
    await pool(reports, 2, async (size, r) => {
      const { status, json } = await send('POST', '/api/reports', {
        title: `Benchmark inspection ${r + 1}`,
        originator: 'HMICFRS',
        kind: 'inspection',
        scope: 'force',
        publishedOn: isoDateInDays(-30),
        recommendations: Array.from({ length: size }, (_, j) => ({
          reference: String(j + 1),
          kind: 'recommendation',
          category: 2,
          department: 'Public Protection',
          text: `Within six months the force should make sure that benchmark recommendation ${j + 1} of report ${r + 1} is acted on.`,
        })),
      });
      if (status !== 201) throw new Error(`POST /api/reports answered ${status}: ${JSON.stringify(json)}`);
      idsByReport[r] = (json as { recommendations: { id: string }[] }).recommendations.map((rec) => rec.id);
    });
    const ids = idsByReport.flat();
    const createMs = elapsed(t);
    phases.push([`${N} items logged (${reports.length} reports, POST /api/reports) and their workflows started`, seconds(createMs)]);
    say(`  ${N} items logged in ${reports.length} report(s) in ${seconds(createMs)}`);

    // A due date far enough away that the default policy plans nothing during the run (28 working days before it
    // is still weeks ahead); the benchmark's own reminder is a duration before it.
    const dueDate = isoDateInDays(120);
    t = performance.now();
    let assigned = 0;
    const progress = setInterval(() => say(`    … ${assigned} assigned (${seconds(elapsed(t))})`), 15_000);
    try {
      await pool(ids, options.concurrency, async (id, index) => {
        const owner = owners[Math.floor(index / ITEMS_PER_OWNER)]!;
        const { status, json } = await send('POST', `/api/recommendations/${id}/assign`, { ownerId: owner.id, leadId: lead.id, dueDate });
        if (status !== 200) throw new Error(`assign ${id} answered ${status}: ${JSON.stringify(json)}`);
        assigned++;
      });
    } finally {
      clearInterval(progress);
    }
    const assignMs = elapsed(t);
    phases.push([`${N} assigns through the API (concurrency ${options.concurrency}; ${((N * 1000) / assignMs).toFixed(0)}/s)`, seconds(assignMs)]);
    say(`  ${N} assigned in ${seconds(assignMs)} (${((N * 1000) / assignMs).toFixed(0)}/s)`);

    // The assignments email each owner and the lead: let all of that go out first, so it cannot slow the measure.
    t = performance.now();
    const outbox = app.dataSource.getRepository(OutboundEmail);
    for (;;) {
      const pending = await outbox.countBy({ status: 'pending' });
      if (pending === 0) break;
      if (elapsed(t) > 20 * 60_000) throw new Error(`${pending} assignment emails still unsent after 20 minutes`);
      await sleep(500);
    }
    const setupEmails = await outbox.count();
    const before = new Set(fs.readdirSync(mailDir).filter((name) => MESSAGE_FILE.test(name)));
    phases.push([`${setupEmails} assignment emails drained`, seconds(elapsed(t))]);
    say(`  ${setupEmails} assignment emails sent and in the sink (${before.size} files) after another ${seconds(elapsed(t))}`);

    // -- one settings change: every item's only due-date reminder lands at the same instant --------------------
    const current = (await send('GET', '/api/settings/reminders', undefined)).json as { settings: { policy: ReminderPolicy } };
    const instant = Math.ceil((Date.now() + leadS * 1000) / 1000) * 1000;
    const base = current.settings.policy!;
    const beforeDueMs = sendInstant(dueDate, base) - instant;
    const policy = reminderPolicyWith({ dueReminders: [{ duration: `PT${(beforeDueMs / 1000).toFixed(0)}S` }] }, base);
    say(`  reminder policy: one due-date reminder ${policy.dueReminders[0] && 'duration' in policy.dueReminders[0] ? policy.dueReminders[0].duration : ''} before ${dueDate} ${base.sendTime} London = ${new Date(instant).toISOString()} (in ${leadS} s)`);
    memory.reset();
    t = performance.now();
    const put = await send('PUT', '/api/settings/reminders', { policy });
    if (put.status !== 200) throw new Error(`PUT /api/settings/reminders answered ${put.status}: ${JSON.stringify(put.json)}`);
    const putMs = elapsed(t);
    phases.push([`PUT /api/settings/reminders (signals ${N} workflows)`, seconds(putMs)]);
    say(`  settings saved and ${N} workflows signalled in ${seconds(putMs)}`);

    // Which workflows have planned the new reminder before it falls due (a query each, bounded; best effort).
    t = performance.now();
    const expectedKey = `due:${dueDate}:-${policy.dueReminders[0] && 'duration' in policy.dueReminders[0] ? policy.dueReminders[0].duration : ''}`;
    let planned = 0;
    let unconfirmed = 0;
    const checkDeadline = instant - 2000;
    await pool(ids, 16, async (id) => {
      const handle = app.client.workflow.getHandle(recommendationWorkflowId(id));
      for (;;) {
        if (Date.now() > checkDeadline) {
          unconfirmed++;
          return;
        }
        const next = await handle.query(nextNudgeQuery).catch(() => null);
        if (next?.key === expectedKey && Date.parse(next.at) === instant) {
          planned++;
          return;
        }
        await sleep(200);
      }
    });
    const confirmMs = elapsed(t);
    phases.push([`rescheduling confirmed by query (${planned} of ${N}${unconfirmed ? `, ${unconfirmed} not confirmed before the instant` : ''})`, seconds(confirmMs)]);
    say(`  ${planned} of ${N} workflows confirmed sleeping until ${new Date(instant).toISOString()} after ${seconds(confirmMs)}${unconfirmed ? `; ${unconfirmed} not confirmed in time` : ''}`);
    if (Date.now() >= instant) say('  WARNING: the instant passed before rescheduling was confirmed; use a longer --lead');

    // -- the measure: from the instant until the sink holds N new messages ------------------------------------
    const waitMs = instant - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    say(`  the instant: ${new Date(instant).toISOString()}; waiting for ${N} emails…`);
    const arrivals: number[] = [];
    const seen = new Set<string>();
    const newFiles: string[] = [];
    const deadline = instant + options.timeoutS * 1000;
    let lastSaid = Date.now();
    for (;;) {
      for (const name of fs.readdirSync(mailDir)) {
        const match = MESSAGE_FILE.exec(name);
        if (!match || before.has(name) || seen.has(name)) continue;
        seen.add(name);
        newFiles.push(name);
        arrivals.push(Number(match[1]));
      }
      if (arrivals.length >= N || Date.now() > deadline) break;
      if (Date.now() - lastSaid > 10_000) {
        lastSaid = Date.now();
        say(`    … ${arrivals.length} of ${N} after ${seconds(Date.now() - instant)}`);
      }
      await sleep(100);
    }
    const complete = arrivals.length >= N;
    const lastArrival = arrivals.length ? Math.max(...arrivals) : Number.NaN;
    const firstArrival = arrivals.length ? Math.min(...arrivals) : Number.NaN;
    const sortedOffsets = arrivals.map((a) => a - instant).sort((a, b) => a - b);
    const at = (fraction: number) => sortedOffsets[Math.min(sortedOffsets.length - 1, Math.max(0, Math.ceil(fraction * sortedOffsets.length) - 1))] ?? Number.NaN;
    const mem = memory.read();

    // Stragglers and duplicates: wait a little more, then read every new message.
    await sleep(5000);
    for (const name of fs.readdirSync(mailDir)) {
      if (MESSAGE_FILE.test(name) && !before.has(name) && !seen.has(name)) {
        seen.add(name);
        newFiles.push(name);
      }
    }
    const byMessageId = new Map<string, number>();
    const byItem = new Map<string, number>();
    let unparsed = 0;
    await pool(newFiles, 16, async (name) => {
      const parsed = await simpleParser(fs.readFileSync(path.join(mailDir, name)), { skipTextToHtml: true, skipHtmlToText: true });
      const messageId = parsed.messageId ?? `(none: ${name})`;
      byMessageId.set(messageId, (byMessageId.get(messageId) ?? 0) + 1);
      const recipient = (parsed.headers.get('x-envelope-to') as string | undefined) ?? '';
      const item = /\/recommendations\/([0-9a-f-]{36})/.exec(parsed.text ?? '')?.[1];
      const kind = (parsed.subject ?? '').split(':')[0]!;
      if (!item) unparsed++;
      const key = `${recipient}|${item ?? name}|${kind}`;
      byItem.set(key, (byItem.get(key) ?? 0) + 1);
    });
    const duplicateIds = [...byMessageId.values()].reduce((s, n) => s + n - 1, 0);
    const duplicateItems = [...byItem.values()].reduce((s, n) => s + n - 1, 0);
    const nudgeRows = await outbox.countBy({ template: 'nudge:due_reminder' });
    const stillPending = await outbox.countBy({ status: 'pending' });

    // -- report --------------------------------------------------------------------------------------------------
    const totalMs = lastArrival - instant;
    say('');
    say('Set-up:');
    say(table(['phase', 'time'], phases));
    say('');
    say(`${N} reminders due at once (measured from the instant they fell due):`);
    say(
      table(
        ['', 'value'],
        [
          ['emails expected / received in the sink', `${N} / ${newFiles.length}${complete ? '' : `  (gave up after ${options.timeoutS} s)`}`],
          ['first email after the instant', seconds(firstArrival - instant)],
          ['50 % / 90 % / 99 % of emails in', `${seconds(at(0.5))} / ${seconds(at(0.9))} / ${seconds(at(0.99))}`],
          ['all emails in (the measure)', complete ? seconds(totalMs) : 'not all arrived'],
          ['throughput (first to last)', `${((arrivals.length * 1000) / Math.max(1, lastArrival - firstArrival)).toFixed(0)} emails/s`],
          ['duplicates by Message-ID', String(duplicateIds)],
          ['duplicates by (recipient, item, kind)', `${duplicateItems}${unparsed ? ` (${unparsed} messages without an item link)` : ''}`],
          ['due-reminder outbox rows / still pending', `${nudgeRows} / ${stillPending}`],
          ['worker process peak RSS (1 s samples, from the PUT)', mib(mem.peakRss)],
          ['worker process peak heap used', mib(mem.peakHeap)],
        ],
      ),
    );
    say('(the worker shares this process with the HTTP API, the SMTP sink and the benchmark itself)');
    const timeMet = complete && totalMs < TARGET_MS;
    const dupMet = duplicateIds === 0 && duplicateItems === 0 && newFiles.length === N;
    say('');
    say(`target: all ${N} in under ${TARGET_MS / 1000} s: ${timeMet ? 'MET' : 'NOT MET'} (${complete ? seconds(totalMs) : 'incomplete'});   no duplicates: ${dupMet ? 'MET' : 'NOT MET'}`);
    say(`total run time ${seconds(elapsed(runStarted))} (before stopping)`);
  } finally {
    await stopAll();
  }
}

main().then(
  () => {
    setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 2000).unref();
  },
);
