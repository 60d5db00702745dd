import { AuditEvent, Department, Person } from '../../entities';
import { addCast, tokenFor } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * A new force's first import: its people from an HR export, checked first (problems by row and column), imported in
 * one transaction, matched by email on every re-import, a blank cell never wiping what the product holds.
 */
describe('importing people', () => {
  let product: TestProduct;
  let token: string;
  let admin: Person;

  beforeAll(async () => {
    product = await startTestProduct();
    ({ admin } = await addCast(product.app.dataSource, 'admin'));
    token = await tokenFor(product, admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  type Answer = {
    rows: { row: number; email: string; action: string; changes: string[] }[];
    problems: { row: number; column: string | null; value?: string; message: string }[];
    newDepartments: string[];
    counts: Record<string, number>;
    passwordEmails?: { sent: number; notSent: string[] };
  };
  const send = async (rows: string[][], query: string) => {
    const body = ['Full name,Work email,Role,Position,Department,Line manager,Payroll', ...rows.map((r) => r.join(','))].join('\r\n');
    const response = await fetch(`${product.baseUrl}/api/people/import?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
      body,
    });
    return { status: response.status, body: (await response.json()) as Answer };
  };
  const people = () => product.app.dataSource.manager.find(Person, { order: { email: 'ASC' } });
  const personEvents = () => product.app.dataSource.manager.countBy(AuditEvent, { entityType: 'person' });

  const hr = [
    ['Nadia Haskins', 'nadia.haskins@force.police.uk', 'Lead', 'Superintendent', 'Public Protection', '', '1001'],
    ['Tom Ellery', 'tom.ellery@force.police.uk', 'Action owner', 'DI', 'Public Protection', 'nadia.haskins@force.police.uk', '1002'],
    ['Lucy Brannigan', 'lucy.brannigan@force.police.uk', 'Action owner; Lead', '', 'Custody', 'hannah.whitcombe@test.police.uk', '1003'],
  ];

  it('lists every problem by row and column in a dry run, and changes nothing', async () => {
    const before = await personEvents();
    const { status, body } = await send(
      [
        ...hr,
        ['Bad Email', 'not-an-email', 'Action owner', '', '', '', ''],
        ['Unknown Role', 'role@force.police.uk', 'Chief Inspector', '', '', '', ''],
        ['Nobody Knows', 'orphan@force.police.uk', 'Action owner', '', '', 'left.years.ago@force.police.uk', ''],
        ['Tom Again', 'Tom.Ellery@force.police.uk', 'Action owner', '', '', '', ''],
      ],
      'dryRun=true',
    );
    expect(status).toBe(200);
    expect(body.problems.map((p) => [p.row, p.column, p.value])).toEqual([
      [5, 'Email', 'not-an-email'],
      [6, 'Roles', 'Chief Inspector'],
      [7, 'Line manager email', 'left.years.ago@force.police.uk'],
      [8, 'Email', 'Tom.Ellery@force.police.uk'],
    ]);
    expect(body.problems[0]!.message).toMatch(/must be an email address/);
    expect(body.problems[1]!.message).toMatch(/"Chief Inspector" is not a role/);
    expect(body.problems[2]!.message).toBe('left.years.ago@force.police.uk is neither in the file nor a person in the product');
    expect(body.problems[3]!.message).toBe('is also on row 3: one row per person');
    expect(await personEvents()).toBe(before);

    const refused = await send([...hr, ['Bad Email', 'not-an-email', 'Action owner', '', '', '', '']], 'dryRun=false');
    expect(refused.status).toBe(422);
    expect((await people()).map((p) => p.email)).toEqual([admin.email]);
  });

  it('imports a clean file in one transaction: people, their line managers and the departments the file names', async () => {
    const dry = await send(hr, 'dryRun=true');
    expect(dry.body.problems).toEqual([]);
    expect(dry.body.newDepartments).toEqual(['Public Protection', 'Custody']);
    const { status, body } = await send(hr, 'dryRun=false');
    expect(status).toBe(200);
    expect(body.counts).toEqual({ create: 3, update: 0, unchanged: 0 });
    const byEmail = new Map((await people()).map((p) => [p.email, p]));
    const tom = byEmail.get('tom.ellery@force.police.uk')!;
    expect(tom).toMatchObject({ name: 'Tom Ellery', roles: ['action_owner'], jobTitle: 'DI', department: 'Public Protection' });
    expect(tom.lineManagerId).toBe(byEmail.get('nadia.haskins@force.police.uk')!.id);
    expect(byEmail.get('lucy.brannigan@force.police.uk')).toMatchObject({ roles: ['action_owner', 'lead'], lineManagerId: admin.id });
    expect((await product.app.dataSource.manager.find(Department)).map((d) => d.name).sort()).toEqual(['Custody', 'Public Protection']);
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { type: 'person_added' })).toBe(3);
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { type: 'department_added' })).toBe(2);
    expect(await product.sink.list()).toEqual([]); // no password email unless asked for
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await personEvents();
    const { status, body } = await send(hr, 'dryRun=false');
    expect(status).toBe(200);
    expect(body.counts).toEqual({ create: 0, update: 0, unchanged: 3 });
    expect(await personEvents()).toBe(before);
  });

  it('updates a changed field with an audit event, and never wipes a field the file leaves blank', async () => {
    const changed = [
      hr[0]!,
      ['Tom Ellery', 'tom.ellery@force.police.uk', '', '', 'Custody', '', ''],
      ['', 'LUCY.BRANNIGAN@force.police.uk', '', 'Sergeant', '', '', ''],
    ];
    const dry = await send(changed, 'dryRun=true');
    expect(dry.body.rows.map((r) => [r.row, r.action, r.changes])).toEqual([
      [2, 'unchanged', []],
      [3, 'update', ['department']],
      [4, 'update', ['job title']],
    ]);
    const { body } = await send(changed, 'dryRun=false');
    expect(body.counts).toEqual({ create: 0, update: 2, unchanged: 1 });
    const byEmail = new Map((await people()).map((p) => [p.email, p]));
    expect(byEmail.get('tom.ellery@force.police.uk')).toMatchObject({
      roles: ['action_owner'],
      jobTitle: 'DI',
      department: 'Custody',
      lineManagerId: byEmail.get('nadia.haskins@force.police.uk')!.id,
    });
    expect(byEmail.get('lucy.brannigan@force.police.uk')).toMatchObject({
      name: 'Lucy Brannigan',
      jobTitle: 'Sergeant',
      department: 'Custody',
    });
    const events = await product.app.dataSource.manager.find(AuditEvent, {
      where: { type: 'person_changed' },
      order: { occurredAt: 'ASC' },
    });
    expect(events.map((e) => [e.entityId, e.before, e.after])).toEqual([
      [byEmail.get('tom.ellery@force.police.uk')!.id, { department: 'Public Protection' }, { department: 'Custody' }],
      [byEmail.get('lucy.brannigan@force.police.uk')!.id, { jobTitle: '' }, { jobTitle: 'Sergeant' }],
    ]);
    expect(events[0]!.summary).toContain('(people import, row 3)');
  });

  it('sends each new person a set-password email only when asked', async () => {
    const { body } = await send(
      [['Rachel Okafor', 'rachel.okafor@force.police.uk', 'Force liaison lead', '', '', '', '']],
      'dryRun=false&sendPasswordEmails=true',
    );
    expect(body.passwordEmails).toEqual({ sent: 1, notSent: [] });
    const mail = await product.sink.waitFor((m) => m.to.includes('rachel.okafor@force.police.uk'));
    expect(mail.subject).toContain('Your account');
  });
});
