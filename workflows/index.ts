export { recommendationWorkflow } from './recommendationWorkflow';
export { reminderDigestWorkflow } from './reminderDigestWorkflow';
