import { Recommendation } from '../../entities';
import { addPeople, tokenFor } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** Items closed years ago import without a live owner, lead or approver chain; who they were is kept as text. */
describe('importing long-closed items', () => {
  let product: TestProduct;
  let token: string;

  beforeAll(async () => {
    product = await startTestProduct();
    const people = await addPeople(product.app.dataSource, { admin: { name: 'Hannah Whitcombe', roles: ['administrator'] } });
    token = await tokenFor(product, people.admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const send = async (file: string, dryRun: boolean) => {
    const response = await fetch(`${product.baseUrl}/api/imports?dryRun=${dryRun}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
      body: file,
    });
    return {
      status: response.status,
      body: (await response.json()) as { problems: { row: number; column: string }[]; counts: Record<string, number> },
    };
  };
  const file = [
    'Report title,Originator,Published on,Reference,Text,Category,Status,Owner,Manager responsible,Target date,Logged on,Date closed',
    'Crime data integrity,HMICFRS,01/08/2016,1,Forces should audit crime recording.,2,Closed,DI Mark Allen,Supt Jane Smith,31/03/2017,01/09/2016,30/06/2017',
    'Crime data integrity,HMICFRS,01/08/2016,2,Forces should train call handlers.,2,Closed,mark.allen@left.police.uk,,,01/09/2016,30/01/2017',
    'Crime data integrity,HMICFRS,01/08/2016,3,Forces should review no-crimes.,2,In progress,DI Mark Allen,,,01/09/2016,',
  ].join('\r\n');

  it('asks for live people only for open items, and imports the closed ones with their people as written', async () => {
    const dry = await send(file, true);
    // The open item names its owner without an email: looked up once its lead and due date are given too.
    expect(dry.body.problems.map((p) => [p.row, p.column])).toEqual([
      [4, 'Lead email'],
      [4, 'Due date'],
    ]);
    const withLeadAndDate = file.replace('In progress,DI Mark Allen,,,', 'In progress,DI Mark Allen,Supt Jane Smith,31/03/2027,');
    expect((await send(withLeadAndDate, true)).body.problems.map((p) => [p.row, p.column])).toEqual([
      [4, 'Owner email'],
      [4, 'Lead email'],
    ]);
    const closedOnly = file.split('\r\n').slice(0, 3).join('\r\n');
    expect((await send(closedOnly, true)).body.problems).toEqual([]);
    expect((await send(closedOnly, false)).status).toBe(200);

    const items = await product.app.dataSource.manager.find(Recommendation, { order: { reference: 'ASC' } });
    expect(
      items.map((i) => [
        i.reference,
        i.status,
        i.ownerId,
        i.leadId,
        i.reportedOwner,
        i.reportedLead,
        i.state.closure?.on,
        i.state.closure?.afterDueDate,
      ]),
    ).toEqual([
      ['1', 'closed', null, null, 'DI Mark Allen', 'Supt Jane Smith', '2017-06-30', true],
      ['2', 'closed', null, null, 'mark.allen@left.police.uk', null, '2017-01-30', false],
    ]);
    const view = (await (
      await fetch(`${product.baseUrl}/api/recommendations/${items[0]!.id}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as Record<string, unknown>;
    expect([view.owner, view.reportedOwner, view.reportedLead]).toEqual([null, 'DI Mark Allen', 'Supt Jane Smith']);
  });
});
