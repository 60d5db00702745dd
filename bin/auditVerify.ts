import { parseCheckpoint, verifyAuditChain, type Checkpoint } from '../api/audit/chain';
import { sessionSecret } from '../config/config';
import { configureOrExit } from './configure';
import { withDatabase } from './database';

/**
 * Checks the audit trail's hash chain from its first event to its last, and every signed checkpoint, and names the
 * first broken link:
 *
 *   npm run audit:verify
 *   npm run audit:verify -- audit-checkpoint:1234:<hash>:<signature> …   also against checkpoints kept from the log or email
 *   npm run audit:verify -- --json
 *
 * It reads DATABASE_URL (or the embedded PostgreSQL) and SESSION_SECRET (or DATA_DIR/session-secret), which must be
 * the product's: checkpoints are signed with it. Exit code 0 the trail verifies, 1 it does not (or the check could
 * not run), 2 bad arguments.
 */
const usageText = `usage: npm run audit:verify -- [--json] [audit-checkpoint:<seq>:<hash>:<signature> …]`;

function parseArguments(argv: string[]): { json: boolean; checkpoints: Checkpoint[] } {
  const args = { json: false, checkpoints: [] as Checkpoint[] };
  for (const arg of argv) {
    if (arg === '--json') args.json = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usageText}\n`);
      process.exit(0);
    } else {
      const checkpoint = parseCheckpoint(arg);
      if (!checkpoint) {
        process.stderr.write(
          `"${arg}" is not a checkpoint: copy the whole audit-checkpoint:… text from the log or the email\n${usageText}\n`,
        );
        process.exit(2);
      }
      args.checkpoints.push(checkpoint);
    }
  }
  return args;
}

async function main(): Promise<number> {
  const { config, logger } = configureOrExit('audit-verify');
  const args = parseArguments(process.argv.slice(2));
  return withDatabase(config, logger, { poolSize: 1 }, async (dataSource) => {
    const report = await verifyAuditChain(dataSource.manager, sessionSecret(config), args.checkpoints);
    if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (report.firstBreak) {
      const b = report.firstBreak;
      process.stdout.write(
        `The audit trail does NOT verify (${report.events} events, ${report.checkpoints} checkpoints).\n` +
          `First broken link: event ${b.chainSeq}${b.eventId ? ` (id ${b.eventId})` : ''}${b.recommendationId ? `, recommendation ${b.recommendationId}` : ''}: ${b.reason}.\n`,
      );
    } else
      process.stdout.write(
        `The audit trail verifies: ${report.events} events, ${report.checkpoints} signed checkpoints, no broken link.\n`,
      );
    return report.firstBreak ? 1 : 0;
  });
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`The audit trail could not be checked: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
