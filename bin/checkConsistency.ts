import { loadReminderSettings } from '../entities/reminderSettings';
import { CHECK_ACTOR, createConsistencyCheck } from '../api/consistency';
import { reportAsText } from '../api/consistency/text';
import { configureOrExit } from './configure';
import { withDatabaseAndTemporal } from './database';

/**
 * Compares every open item's workflow with its row in PostgreSQL and prints the differences:
 *
 *   npm run check:consistency            report only
 *   npm run check:consistency -- --heal  make each differing workflow follow PostgreSQL (noted on the item's history)
 *   npm run check:consistency -- --json  the report as JSON
 *
 * It reads DATABASE_URL and TEMPORAL_ADDRESS, or the embedded PostgreSQL and Temporal of a running `npm start`.
 * Workflows answer through the product's worker, so the product must be running. Exit code 0 when every item agrees
 * or was repaired, 1 when differences remain (or the check could not run), 2 for bad arguments.
 */

const usageText = `usage: npm run check:consistency -- [--heal] [--json]
  --heal   repair: each differing workflow reads its item back from PostgreSQL (default: report only)
  --json   print the report as JSON instead of a table`;

function parseArguments(argv: string[]): { heal: boolean; json: boolean } {
  const args = { heal: false, json: false };
  for (const arg of argv) {
    if (arg === '--heal') args.heal = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usageText}\n`);
      process.exit(0);
    } else {
      process.stderr.write(`unknown argument "${arg}"\n${usageText}\n`);
      process.exit(2);
    }
  }
  return args;
}

async function main(): Promise<number> {
  const { config } = configureOrExit('check-consistency');
  const args = parseArguments(process.argv.slice(2));
  return withDatabaseAndTemporal(config, async ({ dataSource, connection }) => {
    const check = createConsistencyCheck({
      dataSource,
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      reminderSettings: () => loadReminderSettings(dataSource.manager),
    });
    if (!args.json)
      process.stderr.write(
        args.heal
          ? 'Checking every open item, and repairing differences…\n'
          : 'Checking every open item (report only: nothing will be changed)…\n',
      );
    const report = await check.check({ heal: args.heal, by: { ...CHECK_ACTOR, label: 'Consistency check (command line)' } });
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : reportAsText(report));
    return report.remaining === 0 ? 0 : 1;
  });
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`The consistency check did not run: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
