import type { DataSource } from 'typeorm';
import type { Logger } from '../../platform/logger';
import type { Mailer } from '../../platform/email/mailer';
import { runPeriodically } from '../../platform/periodic';
import { chainHead, checkpointText, signCheckpoint, verifyAuditChain, type ChainReport, type Checkpoint } from './chain';

export interface AuditChainOptions {
  /** SESSION_SECRET: the key checkpoints are signed with, which the database does not hold. */
  secret: string;
  /** AUDIT_CHECKPOINT_EMAIL: where each checkpoint is also emailed, outside the database owner's reach. */
  email?: string | null;
  mailer?: Pick<Mailer, 'send'>;
  forceName: string;
}

/** Verifies the audit trail's hash chain and checkpoints its head; the last verification is kept for the admin page. */
export class AuditChainService {
  lastReport: ChainReport | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: AuditChainOptions,
    private readonly logger: Logger,
  ) {}

  async verify(given: Checkpoint[] = []): Promise<ChainReport> {
    this.lastReport = await verifyAuditChain(this.dataSource.manager, this.options.secret, given);
    return this.lastReport;
  }

  /** Signs the chain's head, unless the last checkpoint already holds it; logs it and, when configured, emails it. */
  async checkpoint(): Promise<Checkpoint | null> {
    const head = await chainHead(this.dataSource.manager);
    if (!head) return null;
    const [last] = (await this.dataSource.query(
      `SELECT chain_seq::text AS seq FROM audit_checkpoints ORDER BY chain_seq DESC LIMIT 1`,
    )) as { seq: string }[];
    if (last?.seq === head.chainSeq) return null;
    const checkpoint = signCheckpoint(this.options.secret, head.chainSeq, head.hash);
    await this.dataSource.query(`INSERT INTO audit_checkpoints (chain_seq, hash, signature) VALUES ($1, decode($2, 'hex'), $3)`, [
      checkpoint.chainSeq,
      checkpoint.hash,
      checkpoint.signature,
    ]);
    const text = checkpointText(checkpoint);
    this.logger.info(
      { auditCheckpoint: text },
      `audit trail checkpoint at event ${checkpoint.chainSeq}: keep this line; npm run audit:verify -- ${text} checks the trail against it`,
    );
    if (this.options.email && this.options.mailer) {
      const subject = `${this.options.forceName} recommendation tracker: audit trail checkpoint ${checkpoint.chainSeq}`;
      const body = `The audit trail's checkpoint, signed by the product:\n\n${text}\n\nKeep this email. To check the trail has not been altered since, run: npm run audit:verify -- ${text}`;
      await this.options.mailer
        .send({
          to: this.options.email,
          subject,
          text: body,
          html: `<p>The audit trail's checkpoint, signed by the product:</p><pre>${text}</pre><p>Keep this email.</p>`,
          messageId: `<audit-checkpoint-${checkpoint.chainSeq}-${checkpoint.hash.slice(0, 16)}@recommendation-tracker>`,
        })
        .catch((error: unknown) =>
          this.logger.warn(
            { err: { message: (error as Error).message } },
            'the audit checkpoint email could not be sent; the log line above holds it',
          ),
        );
    }
    return checkpoint;
  }
}

/** Checkpoints and verifies the trail in the API process, a minute after start and then every `everyMs`. */
export function startAuditCheckpoints(service: AuditChainService, logger: Logger, everyMs: number): () => Promise<void> {
  return runPeriodically(async () => {
    try {
      await service.checkpoint();
      const report = await service.verify();
      if (report.firstBreak)
        logger.error(
          { firstBreak: report.firstBreak },
          `the audit trail does not verify from event ${report.firstBreak.chainSeq}: ${report.firstBreak.reason}; see /admin/audit-trail`,
        );
    } catch (error) {
      logger.warn({ err: { message: (error as Error).message } }, 'audit checkpoint failed; will try again');
    }
  }, everyMs);
}
