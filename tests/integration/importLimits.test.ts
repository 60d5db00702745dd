import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { importColumns } from '../../domain/trackerImport';
import { Recommendation } from '../../entities';
import { addPeople, tokenFor } from '../support/apiClient';
import { OpenApiValidator } from '../support/openApiValidator';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const columns = ['Report title', 'Originator', 'Source kind', 'Published on', 'Reference', 'Item kind', 'Text', 'Status'];

/** An 8-column tracker of `rows` new items (a hundred per report), written by exceljs's streaming writer. */
async function tracker(rows: number): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
  const sheet = book.addWorksheet('Tracker');
  sheet.addRow(columns).commit();
  for (let i = 0; i < rows; i++) {
    sheet
      .addRow([
        `Inspection ${Math.floor(i / 100)}`,
        'HMICFRS',
        'inspection',
        '01/04/2019',
        String((i % 100) + 1),
        'recommendation',
        `Chief constables should review practice ${i}.`,
        'logged',
      ])
      .commit();
  }
  sheet.commit();
  await book.commit();
  return Buffer.concat(chunks);
}

interface Answer {
  status: number;
  bytes: number;
  body: {
    title?: string;
    detail?: string;
    errors?: { field: string; message: string }[];
    problems?: { row: number; column: string | null; message: string }[];
    counts?: Record<string, number>;
  };
}

/** /healthz asked over and over while something else runs: how long each answer took. */
function healthProbe(baseUrl: string): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/healthz`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

/** A spreadsheet never holds up the server: it is read off the event loop, within limits, and never echoed back whole. */
describe('importing a very large or hostile tracker', () => {
  let product: TestProduct;
  let token: string;
  let validator: OpenApiValidator;

  beforeAll(async () => {
    product = await startTestProduct();
    validator = new OpenApiValidator((await (await fetch(`${product.baseUrl}/api/openapi.json`)).json()) as Record<string, unknown>);
    const { admin } = await addPeople(product.app.dataSource, { admin: { name: 'Hannah Whitcombe', roles: ['administrator'] } });
    token = await tokenFor(product, admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const send = async (file: Buffer | string, type: string, dryRun = true): Promise<Answer> => {
    const url = `/api/imports?dryRun=${dryRun}`;
    const response = await fetch(`${product.baseUrl}${url}`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${token}` },
      body: file,
    });
    const text = await response.text();
    const body = JSON.parse(text) as Answer['body'];
    // Every answer, refusals too, is one the OpenAPI document gives for this operation.
    const documented = Object.keys(validator.operation('POST', url)!.operation.responses as object);
    expect([
      response.status,
      documented.includes(String(response.status)),
      validator.problems('POST', url, response.status, response.headers.get('content-type'), body),
    ]).toEqual([response.status, true, []]);
    return { status: response.status, bytes: text.length, body };
  };

  it('checks 100,000 rows in time that grows linearly, and /healthz answers within a second all the while', async () => {
    const timed: Record<number, { ms: number; latencies: number[] }> = {};
    for (const rows of [20_000, 100_000]) {
      const file = await tracker(rows);
      const probe = healthProbe(product.baseUrl);
      const started = performance.now();
      const answer = await send(file, XLSX);
      const ms = performance.now() - started;
      const latencies = await probe.stop();
      expect([answer.status, answer.body.counts, answer.body.problems]).toEqual([200, { create: rows, update: 0, unchanged: 0 }, []]);
      timed[rows] = { ms, latencies };
      console.log(
        `dry run of ${rows} rows (${(file.length / 1024).toFixed(0)} KB): ${(ms / 1000).toFixed(1)} s, ${Math.round(rows / (ms / 1000))} rows/s; ` +
          `/healthz over ${latencies.length} requests: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms; ` +
          `heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`,
      );
    }
    const large = timed[100_000]!;
    expect(large.latencies.length).toBeGreaterThan(10);
    expect(Math.max(...large.latencies)).toBeLessThan(1_000);
    // Five times the rows: linear is about 5 times the time, quadratic 25.
    expect(large.ms / timed[20_000]!.ms).toBeLessThan(12);
  }, 180_000);

  it('refuses more rows, more columns or a longer cell than the limits with 413 or 422 naming where', async () => {
    const header = importColumns.join(',');
    const rows = await send(`${header}\n${'T,HMICFRS,inspection,force,,1\n'.repeat(100_001)}`, 'text/csv');
    expect([rows.status, rows.body.title, rows.body.errors]).toEqual([
      413,
      'The file has too many rows',
      [{ field: 'body', message: 'row 100,002: the file has too many rows' }],
    ]);
    expect(rows.body.detail).toContain('at most 100,000 rows');

    const wide = await send(`Report title,Originator,Reference,Text${',x'.repeat(61)}\n`, 'text/csv');
    expect([wide.status, wide.body.errors]).toEqual([413, [{ field: 'body', message: 'row 1, column BM: the file has too many columns' }]]);

    const long = await send(`${header}\nT,HMICFRS,inspection,force,,1,recommendation,${'x'.repeat(40_000)}\n`, 'text/csv');
    expect([long.status, long.body.title, long.body.errors]).toEqual([
      422,
      'A cell is too long',
      [{ field: 'body', message: 'row 2, column H (“Text”): a cell is too long' }],
    ]);
    expect(long.body.detail).toContain('more than 32,768 characters');
    expect(long.bytes).toBeLessThan(1_000);
    expect(await product.app.dataSource.manager.count(Recommendation)).toBe(0);
  });

  it('quotes a bad cell in at most a short excerpt, however long it is and however many rows repeat it', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Tracker');
    sheet.addRow(['Report title', 'Originator', 'Reference', 'Text', 'Due date']);
    const notADate = `next spring ${'and then some '.repeat(2_000)}`;
    for (let i = 1; i <= 1_000; i++) sheet.addRow(['Report', 'HMICFRS', String(i), 'Text', notADate]);
    const file = Buffer.from(await book.xlsx.writeBuffer());
    expect(file.length).toBeLessThan(100 * 1024);

    const dry = await send(file, XLSX);
    expect(dry.status).toBe(200);
    expect(dry.body.problems).toHaveLength(1_000);
    expect(dry.body.problems![0]).toEqual({
      row: 2,
      column: 'Due date',
      value: `${notADate.slice(0, 60)}…`,
      message: `"${notADate.slice(0, 200)}…" is not a date (write 31/03/2027 or 2027-03-31)`,
    });
    expect(dry.bytes).toBeLessThan(1_000 * 400);
    const refused = await send(file, XLSX, false);
    expect(refused.status).toBe(422);
    expect(refused.bytes).toBeLessThan(1_000 * 800);
  });
});
