import { AuditEvent } from './AuditEvent';
import { OutboundEmail } from './OutboundEmail';
import { Person } from './Person';
import { Recommendation } from './Recommendation';
import { SourceReport } from './SourceReport';

export { AuditEvent, OutboundEmail, Person, Recommendation, SourceReport };

export const entities = [Person, SourceReport, Recommendation, AuditEvent, OutboundEmail];
