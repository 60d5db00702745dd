import { ApprovalRequest } from './ApprovalRequest';
import { ApprovalStep } from './ApprovalStep';
import { AuditEvent } from './AuditEvent';
import { Delegation } from './Delegation';
import { Department } from './Department';
import { EvidenceItem } from './EvidenceItem';
import { EvidenceSubmission } from './EvidenceSubmission';
import { ExtensionRequest } from './ExtensionRequest';
import { HmicfrsResponse } from './HmicfrsResponse';
import { HmicfrsSubmission } from './HmicfrsSubmission';
import { ItemLink } from './ItemLink';
import { OutboundEmail } from './OutboundEmail';
import { Person } from './Person';
import { ProgressUpdate } from './ProgressUpdate';
import { Recommendation } from './Recommendation';
import { RecommendationPart } from './RecommendationPart';
import { RoutingRule } from './RoutingRule';
import { SelfCertificationLetter } from './SelfCertificationLetter';
import { SourceReport } from './SourceReport';

export {
  ApprovalRequest,
  ApprovalStep,
  AuditEvent,
  Delegation,
  Department,
  EvidenceItem,
  EvidenceSubmission,
  ExtensionRequest,
  HmicfrsResponse,
  HmicfrsSubmission,
  ItemLink,
  OutboundEmail,
  Person,
  ProgressUpdate,
  Recommendation,
  RecommendationPart,
  RoutingRule,
  SelfCertificationLetter,
  SourceReport,
};

export const entities = [
  Person,
  SourceReport,
  Recommendation,
  AuditEvent,
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
];
