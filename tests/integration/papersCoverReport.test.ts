import { defaultCoverReport, type CoverReportText } from '../../api/papers/coverReport';
import type { Person } from '../../entities';
import { addCast, apiClient, tokenFor, type ApiClient, type Problem } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';
import { docxText, htmlText, pdfText, words } from '../fixtures/papers/extractText';

interface Draft {
  kind: string;
  text: CoverReportText;
  saved: { at: string; by: string } | null;
}

/**
 * The cover report over HTTP: the defaults at first, saved with an audit event, the last saved text as the next
 * starting point, bad input refused field by field with nothing written, and every paper format opening with it.
 */
describe('the cover report of a committee paper', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'viewer', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    p = await addCast(product.app.dataSource, 'admin', 'viewer');
    api = apiClient(product);
    api.actingAs(p.admin.id);
    await api.createReport({
      title: 'Custody services inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category: 2, text: 'Review the custody risk assessment' }],
    });
  }, 120_000);
  afterAll(() => product?.stop());

  const auditEvents = () =>
    product.app.dataSource.query(
      `SELECT entity_id, type, actor_id, before, after FROM audit_events WHERE entity_type = 'paper_cover_report' ORDER BY id`,
    ) as Promise<{ entity_id: string; type: string; actor_id: string; before: CoverReportText | null; after: CoverReportText }[]>;

  async function paperText(format: 'html' | 'docx' | 'pdf'): Promise<string[]> {
    const response = await fetch(`${product.baseUrl}/api/papers/overview?format=${format}`, {
      headers: { authorization: `Bearer ${await tokenFor(product, p.viewer.id)}` },
    });
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    if (format === 'html') return htmlText(body.toString('utf8'));
    if (format === 'docx') return docxText(body);
    return pdfText(body).map(words);
  }

  it('starts from the defaults, and papers have no cover report until one is saved', async () => {
    const draft = await api.call<Draft>('GET', '/api/papers/overview/cover-report', undefined, p.viewer.id);
    expect(draft.status).toBe(200);
    expect(draft.body).toEqual({ kind: 'overview', text: defaultCoverReport('overview'), saved: null });
    expect(draft.body.text.recommendation).toBe('That the progress update be noted.');
    expect(await paperText('html')).not.toContain('Cover report');
  });

  it('refuses bad input, naming each field and its reason, and writes nothing', async () => {
    const bad = await api.call<Problem>('PUT', '/api/papers/overview/cover-report', {
      ...defaultCoverReport('overview'),
      recommendation: '  ',
      background: 'b'.repeat(6001),
      colour: 'red',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'body.recommendation', message: 'Enter the recommendation' },
        { field: 'body.background', message: 'Background must be 6,000 characters or fewer' },
      ]),
    );
    expect(bad.body.errors!.some((e) => e.field === 'body' || e.field === 'body.colour')).toBe(true);
    const missing = await api.call<Problem>('PUT', '/api/papers/overview/cover-report', { purpose: 'Only this' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(['body.recommendation', 'body.reportTo']));
    expect((await api.call('PUT', '/api/papers/agenda/cover-report', defaultCoverReport('overview'))).status).toBe(400);
    // A committee member reads it but may not write it.
    expect((await api.call('PUT', '/api/papers/overview/cover-report', defaultCoverReport('overview'), p.viewer.id)).status).toBe(403);
    expect(await auditEvents()).toEqual([]);
    expect((await api.call<Draft>('GET', '/api/papers/overview/cover-report')).body.saved).toBeNull();
  });

  it('saves with an audit event, and the last saved text is where the next one starts', async () => {
    const first = {
      ...defaultCoverReport('overview'),
      reportTo: 'Joint Audit and Scrutiny Committee',
      background: 'The force was inspected in 2019.\n\nThis is the third update to the committee.',
    };
    const saved = await api.call<Draft>('PUT', '/api/papers/overview/cover-report', { ...first, purpose: `  ${first.purpose}\r\n` });
    expect(saved.status).toBe(200);
    expect(saved.body.text).toEqual(first);
    expect(saved.body.saved!.by).toBe(p.admin.name);

    const next = await api.call<Draft>('GET', '/api/papers/overview/cover-report', undefined, p.viewer.id);
    expect(next.body.text).toEqual(first);
    // Each kind of paper has its own.
    expect((await api.call<Draft>('GET', '/api/papers/quarterly/cover-report')).body.saved).toBeNull();

    const second = { ...first, recommendation: 'That the committee notes the progress made and the items closed.' };
    expect((await api.call('PUT', '/api/papers/overview/cover-report', second)).status).toBe(200);
    expect((await api.call<Draft>('GET', '/api/papers/overview/cover-report')).body.text).toEqual(second);

    const events = await auditEvents();
    expect(events.map((e) => [e.entity_id, e.type, e.actor_id])).toEqual([
      ['overview', 'cover_report_saved', p.admin.id],
      ['overview', 'cover_report_saved', p.admin.id],
    ]);
    expect(events[0]!.before).toBeNull();
    expect(events[0]!.after).toEqual(first);
    expect(events[1]!.before).toEqual(first);
    expect(events[1]!.after).toEqual(second);
  });

  it.each(['html', 'docx', 'pdf'] as const)('opens the paper as %s, before the paper itself', async (format) => {
    const text = await paperText(format);
    const at = (line: string) => text.findIndex((l) => l.includes(line));
    expect(at('Cover report')).toBeGreaterThan(0);
    expect(at('Report to: Joint Audit and Scrutiny Committee')).toBeGreaterThan(at('Cover report'));
    expect(at('That the committee notes the progress made and the items closed.')).toBeGreaterThan(at('2. Recommendation'));
    expect(at('This is the third update to the committee.')).toBeLessThan(at('Recommendations by HMICFRS closure category'));
    expect(at('Review the custody risk assessment')).toBeGreaterThan(at('Recommendations by HMICFRS closure category'));
  });
});
