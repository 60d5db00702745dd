import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AuditEvent } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import type { ActingPerson } from '../../platform/http/actor';
import { excerpt } from '../../platform/files/excerpt';
import { ApiProblem } from '../../platform/http/problem';
import { ScannerUnavailableError, type VirusScanner } from './clamav';
import { checkEvidenceFile } from './fileCheck';

/** A file someone sent to be kept: `name` is its own name (a page upload), or its title (the api's). */
export interface FileToKeep {
  contentType: string;
  content: Buffer;
  name: string;
}

/** What a refusal names: the item, who sent the file, and what the file was to be (for the audit trail and the answer). */
export interface KeepingContext {
  recommendationId: string;
  by: ActingPerson;
  /** The name the file is to be kept as, judged with its own. */
  title: string;
  /** The field a refusal of the title names ("query.title"). */
  titleField: string;
  audit: { entityType: AuditEvent['entityType']; type: string; what: string };
  /** Said at the end of every refusal: "Nothing was added." */
  nothingDone: string;
}

/**
 * The type a file is kept as, once its bytes are found to be of the type it was sent as (415 otherwise) and, when a
 * scanner is configured, clean (422, recorded on the audit trail, otherwise; 503 when the scanner cannot say). Evidence
 * files and attachments are both kept through this one check.
 */
export async function checkFileToKeep(
  manager: EntityManager,
  scanner: VirusScanner | null,
  file: FileToKeep,
  context: KeepingContext,
): Promise<string> {
  const verdict = checkEvidenceFile({
    content: file.content,
    declaredType: file.contentType,
    names: [...new Set([file.name, context.title])],
  });
  if (!verdict.ok) {
    const detail = `“${excerpt(file.name, 100)}” ${verdict.message}. Only documents, spreadsheets, presentations, images, text and email files are kept, and each must be what its type and name say. ${context.nothingDone}`;
    throw new ApiProblem(415, 'The file is not what its type says', detail, [
      { field: verdict.field === 'name' ? context.titleField : 'body', message: verdict.message },
    ]);
  }
  if (!scanner) return verdict.contentType;
  let signature: string | null;
  try {
    signature = await scanner.scan(file.content);
  } catch (error) {
    if (!(error instanceof ScannerUnavailableError)) throw error;
    throw new ApiProblem(
      503,
      'The virus scanner is not answering',
      `Files are scanned before they are kept, and the scanner could not be asked (${error.message}). Try again in a few minutes. ${context.nothingDone}`,
      [],
      { 'Retry-After': '60' },
    );
  }
  if (!signature) return verdict.contentType;
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  await recordAudit(manager, {
    actorId: context.by.actor.personId,
    actorLabel: context.by.label,
    entityType: context.audit.entityType,
    entityId: randomUUID(),
    recommendationId: context.recommendationId,
    type: context.audit.type,
    summary: `Refused ${context.audit.what}: the virus scanner found ${signature} in “${excerpt(file.name, 100)}”`,
    after: { name: file.name, contentType: file.contentType, sizeBytes: file.content.length, sha256, signature },
  });
  throw new ApiProblem(
    422,
    'The file contains a virus',
    `The virus scanner found ${signature} in “${excerpt(file.name, 100)}”. It was not kept, and the refusal is on the item’s audit trail.`,
    [{ field: 'body', message: `contains ${signature}` }],
  );
}
