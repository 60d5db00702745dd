export { recommendationWorkflow } from './recommendationWorkflow';
