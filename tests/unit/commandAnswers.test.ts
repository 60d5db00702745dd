import type { Client } from '@temporalio/client';
import { RecommendationWorkflows } from '../../api/recommendations/workflowGateway';
import { ApiProblem } from '../../platform/http/problem';
import type { RecommendationState } from '../../domain/lifecycle';
import type { CommandRequest } from '../../workflows/messages';

/** What the api tells the caller when Temporal does not answer a command: the truth, with a way to find out. */
describe('a command whose outcome is not known', () => {
  const request: CommandRequest = {
    commandId: 'key-1234-abcd',
    recordedVersion: 3,
    command: { type: 'accept' },
    actor: { personId: null, roles: ['administrator'] },
    actorLabel: 'Test',
  };
  const current = { state: {} as RecommendationState, version: 3 };

  function gatewayFailingWith(error: Error): RecommendationWorkflows {
    const client = { workflow: { getHandle: () => ({ executeUpdate: () => Promise.reject(error) }) } } as unknown as Client;
    return new RecommendationWorkflows(client, 'queue', async () => ({ policy: {} as never, closedDays: [], committeeMeetings: [] }));
  }

  it.each([
    [
      'the server is unreachable',
      Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: '', metadata: {} }),
    ],
    ['the call timed out', Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4, details: '', metadata: {} })],
  ])('answers 503 naming the key to retry with when %s, never "nothing was changed"', async (_what, error) => {
    const answer = await gatewayFailingWith(error)
      .command('item', current, request)
      .catch((e: unknown) => e);
    expect(answer).toBeInstanceOf(ApiProblem);
    const problem = answer as ApiProblem;
    expect(problem.status).toBe(503);
    expect(problem.detail).toContain('Idempotency-Key: key-1234-abcd');
    expect(problem.detail).not.toMatch(/nothing was changed/i);
    expect(problem.headers).toMatchObject({ 'Idempotency-Key': 'key-1234-abcd', 'Retry-After': '5' });
  });

  it('passes other failures on unchanged', async () => {
    const bug = new TypeError('x is undefined');
    await expect(gatewayFailingWith(bug).command('item', current, request)).rejects.toBe(bug);
  });
});
