import type { Request, Response } from 'express';
import { Gauge, Registry } from 'prom-client';
import { metricsEndpoint } from '../../platform/metrics/endpoint';

/** The parts of an express answer the endpoint uses, recorded. */
function recordedAnswer() {
  const answer = { status: 200, type: '', body: '' };
  const res = {
    status(code: number) {
      answer.status = code;
      return this;
    },
    type(value: string) {
      answer.type = value;
      return this;
    },
    send(body: string) {
      answer.body = body;
      return this;
    },
  };
  return { answer, res: res as unknown as Response };
}

describe('GET /metrics', () => {
  it("serves the registry's series, then what else the process adds (the Temporal SDK's)", async () => {
    const registry = new Registry();
    new Gauge({ name: 'ours', help: 'ours', registers: [registry], collect: () => undefined }).set(3);
    const { answer, res } = recordedAnswer();
    await metricsEndpoint(registry, async () => '# TYPE temporal_num_pollers gauge\ntemporal_num_pollers 2\n')(
      {} as Request,
      res,
      () => undefined,
    );
    expect(answer.status).toBe(200);
    expect(answer.type).toBe(registry.contentType);
    expect(answer.body).toMatch(/^ours 3$/m);
    expect(answer.body).toMatch(/^temporal_num_pollers 2$/m);
  });

  it('answers 503 saying why when a figure cannot be read, rather than a zero that would read as nothing waiting', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'recommendation_tracker_outbox_unsent_emails',
      help: 'unsent',
      registers: [registry],
      collect: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
    });
    const { answer, res } = recordedAnswer();
    await metricsEndpoint(registry)({} as Request, res, () => undefined);
    expect(answer.status).toBe(503);
    expect(answer.body).toBe('metrics could not be read: connect ECONNREFUSED 127.0.0.1:5432\n');
  });
});
