import { DEMO_PASSWORD, demoAccounts, loadDemoData } from '../../demo/loadDemoData';
import { LocalAccount } from '../../entities';
import { createLogger } from '../../platform/logger';
import { signIn } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** The demo force: every demo person can sign in with the demo password, and loading twice changes no account. */
describe('demo accounts', () => {
  let product: TestProduct;
  beforeAll(async () => {
    product = await startTestProduct();
    await loadDemoData({ dataSource: product.app.dataSource, ...product.app.services, logger: createLogger({ level: 'silent' }) });
  }, 120_000);
  afterAll(async () => {
    await product?.stop();
  });

  it('gives every demo person a local account that signs in with the demo password', async () => {
    const accounts = demoAccounts();
    expect(accounts.length).toBeGreaterThanOrEqual(14);
    for (const account of accounts) {
      const session = await signIn(product.baseUrl, account.email, DEMO_PASSWORD);
      expect([account.email, session.status]).toEqual([account.email, 201]);
    }
    expect(await product.app.dataSource.manager.count(LocalAccount)).toBe(accounts.length);
  });

  it('makes every department the demo people and items name a real department', async () => {
    const missing = (await product.app.dataSource.query(
      `SELECT DISTINCT d FROM (SELECT department AS d FROM people UNION SELECT department FROM recommendations) used
        WHERE d IS NOT NULL AND d <> '' AND NOT EXISTS (SELECT 1 FROM departments WHERE name = d)`,
    )) as { d: string }[];
    expect(missing).toEqual([]);
    expect(Number((await product.app.dataSource.query(`SELECT count(*) AS n FROM departments`))[0].n)).toBeGreaterThan(3);
  });

  it('sends each owner one email listing every item assigned to them at the start, not one email per item', async () => {
    const queued = (await product.app.dataSource.query(
      `SELECT to_address AS "to", count(*)::int AS items FROM outbound_emails WHERE template = 'assigned_to_you' GROUP BY to_address`,
    )) as { to: string; items: number }[];
    expect(queued.reduce((n, q) => n + q.items, 0)).toBeGreaterThan(queued.length);
    const received = await eventually(
      async () => (await product.sink.list()).filter((m) => /actions? assigned to you/i.test(m.subject)),
      (messages) => messages.length >= queued.length,
      { what: 'the assignment emails', timeoutMs: 45_000 },
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.map((m) => m.to[0]).sort()).toEqual(queued.map((q) => q.to).sort());
    for (const q of queued.filter((q) => q.items > 1))
      expect(received.find((m) => m.to.includes(q.to))!.subject).toBe(`${q.items} actions assigned to you`);
  }, 90_000);

  it('leaves existing accounts alone when loaded again', async () => {
    const before = (await product.app.dataSource.query(
      `SELECT person_id, password_hash FROM local_accounts ORDER BY person_id`,
    )) as unknown[];
    await loadDemoData({ dataSource: product.app.dataSource, ...product.app.services, logger: createLogger({ level: 'silent' }) });
    expect(await product.app.dataSource.query(`SELECT person_id, password_hash FROM local_accounts ORDER BY person_id`)).toEqual(before);
  });
});
