import { ActionLink } from './ActionLink';
import { ApiToken } from './ApiToken';
import { ApprovalRequest } from './ApprovalRequest';
import { Attachment } from './Attachment';
import { ApprovalStep } from './ApprovalStep';
import { AuditCheckpoint } from './AuditCheckpoint';
import { AuditEvent } from './AuditEvent';
import { CommandReceipt } from './CommandReceipt';
import { Comment } from './Comment';
import { Delegation } from './Delegation';
import { Department } from './Department';
import { DigestEntry } from './DigestEntry';
import { EvidenceItem } from './EvidenceItem';
import { EvidenceSubmission } from './EvidenceSubmission';
import { ExternalIdentity } from './ExternalIdentity';
import { ExtensionRequest } from './ExtensionRequest';
import { ForceSetting } from './ForceSetting';
import { ImportStatusMapping } from './ImportStatusMapping';
import { HmicfrsResponse } from './HmicfrsResponse';
import { HmicfrsSubmission } from './HmicfrsSubmission';
import { ItemLink } from './ItemLink';
import { LocalAccount } from './LocalAccount';
import { OutboundEmail } from './OutboundEmail';
import { PasswordLink } from './PasswordLink';
import { Person } from './Person';
import { ProgressUpdate } from './ProgressUpdate';
import { Recommendation } from './Recommendation';
import { RecommendationPart } from './RecommendationPart';
import { RoutingRule } from './RoutingRule';
import { SelfCertificationLetter } from './SelfCertificationLetter';
import { Session } from './Session';
import { SetupCode } from './SetupCode';
import { SignInAttempt } from './SignInAttempt';
import { SourceReport } from './SourceReport';
import { TrackerImport } from './TrackerImport';
import { TrackerStatedFigure } from './TrackerStatedFigure';

export {
  ActionLink,
  ApiToken,
  ApprovalRequest,
  ApprovalStep,
  Attachment,
  AuditCheckpoint,
  AuditEvent,
  CommandReceipt,
  Comment,
  Delegation,
  Department,
  DigestEntry,
  EvidenceItem,
  EvidenceSubmission,
  ExtensionRequest,
  ForceSetting,
  ExternalIdentity,
  ImportStatusMapping,
  HmicfrsResponse,
  HmicfrsSubmission,
  ItemLink,
  LocalAccount,
  OutboundEmail,
  PasswordLink,
  Person,
  ProgressUpdate,
  Recommendation,
  RecommendationPart,
  RoutingRule,
  SelfCertificationLetter,
  Session,
  SetupCode,
  SignInAttempt,
  SourceReport,
  TrackerImport,
  TrackerStatedFigure,
};

export const entities = [
  Person,
  SourceReport,
  Recommendation,
  AuditEvent,
  AuditCheckpoint,
  CommandReceipt,
  Comment,
  OutboundEmail,
  Department,
  Delegation,
  RoutingRule,
  RecommendationPart,
  ProgressUpdate,
  EvidenceSubmission,
  ExtensionRequest,
  ApprovalRequest,
  ApprovalStep,
  SelfCertificationLetter,
  HmicfrsSubmission,
  HmicfrsResponse,
  ItemLink,
  EvidenceItem,
  Attachment,
  LocalAccount,
  Session,
  ExternalIdentity,
  SignInAttempt,
  ApiToken,
  ActionLink,
  DigestEntry,
  ForceSetting,
  PasswordLink,
  SetupCode,
  ImportStatusMapping,
  TrackerImport,
  TrackerStatedFigure,
];
