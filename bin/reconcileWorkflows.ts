import { CHECK_ACTOR, createWorkflowReconciler } from '../api/consistency';
import { reconcileReportAsText } from '../api/consistency/text';
import { loadReminderSettings } from '../entities/reminderSettings';
import { configureOrExit } from './configure';
import { withDatabaseAndTemporal } from './database';

/**
 * Rebuilds Temporal from PostgreSQL, the source of truth: every open item whose workflow is not running (Temporal's
 * data lost, a workflow terminated by mistake) gets it started again in its recorded state, its reminders planned
 * from its recorded dates and the force's reminder settings.
 *
 *   npm run workflows:reconcile                 dry run: the plan, nothing started
 *   npm run workflows:reconcile -- --apply      start them (each noted on the item's audit trail)
 *   npm run workflows:reconcile -- --json       the report as JSON
 *
 * Running workflows are left alone, so a second run does nothing. It reads DATABASE_URL and TEMPORAL_ADDRESS, or the
 * embedded PostgreSQL and Temporal of a running `npm start`. Exit code 0 when no open item is left without a running
 * workflow (or, in a dry run, always unless the reconcile could not run), 1 otherwise, 2 for bad arguments.
 */

const usageText = `usage: npm run workflows:reconcile -- [--apply] [--json] [--concurrency N]
  --apply          start the missing workflows (default: dry run, report the plan only)
  --json           print the report as JSON instead of a table
  --concurrency N  workflows asked or started at once (default 8)`;

function parseArguments(argv: string[]): { apply: boolean; json: boolean; concurrency: number } {
  const args = { apply: false, json: false, concurrency: 8 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--apply') args.apply = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--concurrency') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1 || value > 64) fail(`--concurrency must be a whole number from 1 to 64`);
      args.concurrency = value;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usageText}\n`);
      process.exit(0);
    } else fail(`unknown argument "${arg}"`);
  }
  return args;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${usageText}\n`);
  process.exit(2);
}

async function main(): Promise<number> {
  const { config } = configureOrExit('reconcile-workflows');
  const args = parseArguments(process.argv.slice(2));
  return withDatabaseAndTemporal(config, async ({ dataSource, connection }) => {
    const reconciler = createWorkflowReconciler({
      dataSource,
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      reminderSettings: () => loadReminderSettings(dataSource.manager),
      options: { concurrency: args.concurrency },
    });
    if (!args.json)
      process.stderr.write(
        args.apply
          ? 'Starting the workflow of every open item that has none running…\n'
          : 'Dry run: listing what would be started (nothing will be changed)…\n',
      );
    const report = await reconciler.reconcile({ apply: args.apply, by: { ...CHECK_ACTOR, label: 'Workflow reconcile (command line)' } });
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : reconcileReportAsText(report));
    return report.counts.not_started > 0 || (args.apply && report.counts.would_start > 0) ? 1 : 0;
  });
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`The reconcile did not run: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
