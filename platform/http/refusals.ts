import type { ErrorRequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { recordAudit } from '../../entities/auditTrail';
import { ApiProblem } from './problem';

/**
 * Every 403 (a permission the table refuses, a missing CSRF token, a route's own refusal) becomes an audit event
 * before the problem is answered: who tried what, and why it was refused. Nothing else is written.
 */
export function auditRefusals(dataSource: DataSource): ErrorRequestHandler {
  return async (error, req, _res, next) => {
    if (error instanceof ApiProblem && error.status === 403) {
      const person = req.identity?.person;
      const what =
        `${req.method} ${req.baseUrl}${req.route?.path && req.route.path !== '/' ? String(req.route.path) : req.path === '/' ? '' : req.path}`.slice(
          0,
          500,
        );
      try {
        await recordAudit(dataSource.manager, {
          actorId: person?.id ?? null,
          actorLabel: person?.name ?? `Anonymous request from ${req.ip ?? 'unknown'}`,
          entityType: 'authorization',
          entityId: what,
          type: 'permission_refused',
          summary: `Refused ${what}: ${error.detail ?? error.title}`.slice(0, 1000),
          after: {
            method: req.method,
            path: req.originalUrl.split('?')[0]!.slice(0, 500),
            via: req.identity?.via ?? null,
            requestId: String(req.id ?? ''),
          },
        });
      } catch (auditError) {
        req.log?.error({ err: auditError }, 'could not record a refusal in the audit trail');
      }
    }
    next(error);
  };
}
