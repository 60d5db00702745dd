import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { entities } from './index';
import { InitialSchema1763900000000 } from './migrations/1763900000000-InitialSchema';
import { LifecycleRecords1763900100000 } from './migrations/1763900100000-LifecycleRecords';
import { EvidenceItems1763900200000 } from './migrations/1763900200000-EvidenceItems';
import { Identity1763900400000 } from './migrations/1763900400000-Identity';
import { Reminders1763900500000 } from './migrations/1763900500000-Reminders';
import { AccountAdministration1763900650000 } from './migrations/1763900650000-AccountAdministration';
import { RecommendationStateIntervals1763900700000 } from './migrations/1763900700000-RecommendationStateIntervals';
import { OneTruth1763900800000 } from './migrations/1763900800000-OneTruth';
import { DepartmentsInUse1763900900000 } from './migrations/1763900900000-DepartmentsInUse';
import { SetupCodes1763901000000 } from './migrations/1763901000000-SetupCodes';
import { AuditChain1763901100000 } from './migrations/1763901100000-AuditChain';
import { EmailBatches1763901300000 } from './migrations/1763901300000-EmailBatches';
import { Attachments1763901500000 } from './migrations/1763901500000-Attachments';
import { ImportStatusMappings1763901600000 } from './migrations/1763901600000-ImportStatusMappings';
import { ReportStatusLines1763901700000 } from './migrations/1763901700000-ReportStatusLines';
import { Comments1763901800000 } from './migrations/1763901800000-Comments';
import { PendingOutbox1763901900000 } from './migrations/1763901900000-PendingOutbox';
import { ReportedPeople1763902000000 } from './migrations/1763902000000-ReportedPeople';
import { LineManagers1763902100000 } from './migrations/1763902100000-LineManagers';
import { PaperCoverReports1763902110000 } from './migrations/1763902110000-PaperCoverReports';
import { PaperLayouts1763902200000 } from './migrations/1763902200000-PaperLayouts';
import { TrackerStatedFigures1763902300000 } from './migrations/1763902300000-TrackerStatedFigures';
import { LineManagerForeignKey1763902400000 } from './migrations/1763902400000-LineManagerForeignKey';

/** Every migration, in order. Listed explicitly so the same list works from TypeScript sources and from dist/. */
export const migrations = [
  InitialSchema1763900000000,
  LifecycleRecords1763900100000,
  EvidenceItems1763900200000,
  Identity1763900400000,
  Reminders1763900500000,
  AccountAdministration1763900650000,
  RecommendationStateIntervals1763900700000,
  OneTruth1763900800000,
  DepartmentsInUse1763900900000,
  SetupCodes1763901000000,
  AuditChain1763901100000,
  EmailBatches1763901300000,
  Attachments1763901500000,
  ImportStatusMappings1763901600000,
  ReportStatusLines1763901700000,
  Comments1763901800000,
  PendingOutbox1763901900000,
  ReportedPeople1763902000000,
  LineManagers1763902100000,
  PaperCoverReports1763902110000,
  PaperLayouts1763902200000,
  TrackerStatedFigures1763902300000,
  LineManagerForeignKey1763902400000,
];

/** One DataSource per process. Schema changes only through migrations: `synchronize` stays off. */
export function createDataSource(url: string, options: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    poolSize: options.poolSize ?? 10,
    // Failed queries surface as errors to the caller, which logs them with its request id.
    logging: false,
  });
}

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}
