import { randomUUID } from 'node:crypto';
import { AttachmentService } from '../../api/attachments/service';
import type { ActingPerson } from '../../platform/http/actor';
import { Attachment, AuditEvent, HmicfrsResponse, HmicfrsSubmission, SelfCertificationLetter, type Person } from '../../entities';
import { addCast, apiClient, signIn, tokenFor, type ApiClient } from '../support/apiClient';
import { OpenApiValidator } from '../support/openApiValidator';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'attachments-password-2026';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
/** A Windows program: "MZ", and at the offset in 0x3c the PE signature. */
const EXE = (() => {
  const exe = Buffer.alloc(512);
  exe.write('MZ', 0, 'latin1');
  exe.writeUInt32LE(0x80, 0x3c);
  exe.write('PE\u0000\u0000', 0x80, 'latin1');
  return exe;
})();

/**
 * Files kept with the self-certification letter, the submission to HMICFRS and HMICFRS's response: sent with the
 * page's forms (multipart) and through the API, checked as evidence files are, each on the audit trail, and downloaded
 * only by those allowed to.
 */
describe('attachments to the letter and to HMICFRS correspondence', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc' | 'liaison' | 'viewer', Person>;
  let itemId: string;

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc', 'liaison', 'viewer');
    for (const person of [p.dcc, p.liaison]) await product.app.services.auth.setPassword(person.id, PASSWORD, { id: null, label: 'test' });
    api.actingAs(p.admin.id);
    [itemId] = (await api.createReport({
      title: 'Custody services',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '3', category: 3 }],
    })) as [string];
    await api.command(itemId, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    await api.command(itemId, { type: 'accept' }, p.owner.id);
    await api.command(itemId, { type: 'submitEvidence', summary: 'Custody records audited' }, p.owner.id);
    await api.command(itemId, { type: 'approve' }, p.lead.id);
    await api.command(itemId, { type: 'approve' }, p.dcc.id);
  }, 120_000);
  afterAll(async () => {
    await product?.stop();
  });

  const kept = () => product.app.dataSource.manager.find(Attachment, { where: { recommendationId: itemId }, order: { addedAt: 'ASC' } });
  const trail = () =>
    product.app.dataSource.manager.find(AuditEvent, {
      where: { recommendationId: itemId, type: 'attachment_added' },
      order: { occurredAt: 'ASC' },
    });

  /** A command form of the item page, sent as a browser sends it: multipart, with the file in its `attachment` field. */
  async function sendForm(
    person: Person,
    type: string,
    fields: Record<string, string>,
    file?: { name: string; type: string; content: Buffer },
    key = randomUUID(),
  ) {
    const session = await signIn(product.baseUrl, person.email, PASSWORD);
    const form = new FormData();
    form.set('_csrf', session.csrfToken);
    form.set('_key', key);
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    if (file) form.set('attachment', new Blob([file.content], { type: file.type }), file.name);
    const response = await fetch(`${product.baseUrl}/recommendations/${itemId}/commands/${type}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie },
      body: form,
    });
    return { status: response.status, location: response.headers.get('location'), html: await response.text(), key };
  }

  it('offers a file field on the letter form, refuses a file that is not what it says with the field named, and records nothing', async () => {
    const session = await signIn(product.baseUrl, p.dcc.email, PASSWORD);
    const page = await (await fetch(`${product.baseUrl}/recommendations/${itemId}`, { headers: { cookie: session.cookie } })).text();
    expect(page).toMatch(
      /<form method="post" action="\/recommendations\/[0-9a-f-]+\/commands\/selfCertify" class="app-command" enctype="multipart\/form-data"/,
    );
    expect(page).toContain('id="selfCertify-attachment"');
    expect(page).toContain('Attach a file to the self-certification letter (optional)');

    const refused = await sendForm(
      p.dcc,
      'selfCertify',
      { signatory: 'Chief Constable Jo Farrell' },
      { name: 'letter.pdf', type: 'application/pdf', content: EXE },
    );
    expect(refused.status).toBe(415);
    expect(refused.html).toContain('govuk-error-summary');
    expect(refused.html).toContain('href="#selfCertify-attachment"');
    expect(refused.html).toContain('The selected file: “letter.pdf” looks like a Windows program, not a PDF.');
    expect(refused.html).toContain('Nothing was recorded.');
    // Nothing half-written: no letter, no file, the item where it was.
    expect((await api.get(itemId)).status).toBe('awaiting_self_certification');
    expect(await product.app.dataSource.manager.countBy(SelfCertificationLetter, { recommendationId: itemId })).toBe(0);
    expect(await kept()).toEqual([]);

    const unaccepted = await sendForm(
      p.dcc,
      'selfCertify',
      { signatory: 'Chief Constable Jo Farrell' },
      { name: 'letter.zip', type: 'application/zip', content: Buffer.from('PK') },
    );
    expect([unaccepted.status, unaccepted.html.includes('The selected file cannot be attached')]).toEqual([415, true]);
    expect((await api.get(itemId)).status).toBe('awaiting_self_certification');
  });

  it('records the letter with its file from the page, once however often the form is sent, on the audit trail', async () => {
    const letter = { name: 'Self-certification letter.pdf', type: 'application/pdf', content: PDF };
    const sent = await sendForm(p.dcc, 'selfCertify', { signatory: 'Chief Constable Jo Farrell', letterReference: 'CC/2026/114' }, letter);
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/recommendations/${itemId}?done=selfCertify&attached=${encodeURIComponent(letter.name)}`);
    // The same form sent again (a double click): the letter and its file are each kept once.
    expect(
      (await sendForm(p.dcc, 'selfCertify', { signatory: 'Chief Constable Jo Farrell', letterReference: 'CC/2026/114' }, letter, sent.key))
        .status,
    ).toBe(303);

    const letters = await product.app.dataSource.manager.findBy(SelfCertificationLetter, { recommendationId: itemId });
    expect(letters).toHaveLength(1);
    const files = await kept();
    expect(files.map((f) => [f.recordKind, f.recordId, f.title, f.contentType, f.sizeBytes, f.addedBy])).toEqual([
      ['self_certification_letter', letters[0]!.id, letter.name, 'application/pdf', PDF.length, p.dcc.id],
    ]);
    const events = await trail();
    expect(events.map((e) => [e.entityType, e.entityId, e.actorId, e.summary])).toEqual([
      ['attachment', files[0]!.id, p.dcc.id, `Attached “${letter.name}” to the self-certification letter`],
    ]);
    expect(events[0]!.after).toMatchObject({ recordKind: 'self_certification_letter', recordId: letters[0]!.id, sha256: files[0]!.sha256 });

    // The item page lists it, with a link to download it.
    const session = await signIn(product.baseUrl, p.dcc.email, PASSWORD);
    const page = await (await fetch(`${product.baseUrl}${sent.location}`, { headers: { cookie: session.cookie } })).text();
    expect(page).toContain(`Done: record the self-certification letter. Attached: ${letter.name}.`);
    expect(page).toContain('Letter and HMICFRS correspondence');
    expect(page).toContain(`href="/recommendations/${itemId}/attachments/${files[0]!.id}/download"`);
  });

  it('attaches through the API to the latest record named, refusing a wrong type, a missing record and a bad `to` with the field named', async () => {
    const attach = async (to: string, title: string, type: string, content: Buffer, as = p.liaison.id) => {
      const response = await fetch(
        `${product.baseUrl}/api/recommendations/${itemId}/attachments?to=${to}&title=${encodeURIComponent(title)}`,
        {
          method: 'POST',
          headers: { 'content-type': type, authorization: `Bearer ${await tokenFor(product, as)}` },
          body: content,
        },
      );
      const body = (await response.json()) as {
        id?: string;
        detail?: string;
        errors?: { field: string; message: string }[];
        recordKind?: string;
      };
      // Every answer, refusals too, is one the OpenAPI document gives for this operation.
      const url = `/api/recommendations/${itemId}/attachments?to=${to}`;
      const validator = await OpenApiValidator.load(product.baseUrl);
      const documented = Object.keys(validator.operation('POST', url)!.operation.responses as object);
      expect([
        response.status,
        documented.includes(String(response.status)),
        validator.problems('POST', url, response.status, response.headers.get('content-type'), body),
      ]).toEqual([response.status, true, []]);
      return { status: response.status, body };
    };
    const before = (await kept()).length;
    const early = await attach('hmicfrs_submission', 'Covering email.pdf', 'application/pdf', PDF);
    expect([early.status, early.body.detail]).toEqual([
      409,
      'A file cannot be attached to the submission to HMICFRS: none is recorded for this item yet. Record it first, then attach the file',
    ]);

    await api.command(itemId, { type: 'submitToHmicfrs', reference: 'HMICFRS-2027-7' }, p.liaison.id);
    const wrongBytes = await attach('hmicfrs_submission', 'Covering email.pdf', 'application/pdf', EXE);
    expect([wrongBytes.status, wrongBytes.body.errors]).toEqual([
      415,
      [{ field: 'body', message: 'looks like a Windows program, not a PDF' }],
    ]);
    const wrongType = await attach('hmicfrs_submission', 'Covering email.html', 'text/html', Buffer.from('<p>hi</p>'));
    expect([wrongType.status, wrongType.body.errors]).toEqual([
      415,
      [{ field: 'header.Content-Type', message: 'is not an accepted type of file' }],
    ]);
    const badTo = await attach('the_letter', 'Covering email.pdf', 'application/pdf', PDF);
    expect(badTo.status).toBe(400);
    expect(badTo.body.errors?.map((e) => e.field)).toEqual(['query.to']);
    // Only those who record the letter and HMICFRS's answers attach files.
    expect((await attach('hmicfrs_submission', 'Covering email.pdf', 'application/pdf', PDF, p.owner.id)).status).toBe(403);
    expect((await kept()).length).toBe(before);

    const ok = await attach('hmicfrs_submission', 'Covering email.pdf', 'application/pdf', PDF);
    expect([ok.status, ok.body.recordKind]).toEqual([201, 'hmicfrs_submission']);
    const [submission] = await product.app.dataSource.manager.findBy(HmicfrsSubmission, { recommendationId: itemId });
    expect((await kept()).at(-1)!.recordId).toBe(submission!.id);
    expect((await trail()).at(-1)!.summary).toBe('Attached “Covering email.pdf” to the submission to HMICFRS');
  });

  it("records HMICFRS's response with its reply from the page", async () => {
    const reply = {
      name: 'HMICFRS reply.txt',
      type: 'text/plain',
      content: Buffer.from('The force has done what the recommendation asked.\n'),
    };
    const sent = await sendForm(
      p.liaison,
      'recordHmicfrsResponse',
      { outcome: 'signed_off', reasons: 'Signed off at the PEEL review' },
      reply,
    );
    expect(sent.status).toBe(303);
    expect((await api.get(itemId)).status).toBe('closed');
    const [response] = await product.app.dataSource.manager.findBy(HmicfrsResponse, { recommendationId: itemId });
    const file = (await kept()).at(-1)!;
    expect([file.recordKind, file.recordId, file.title]).toEqual(['hmicfrs_response', response!.id, reply.name]);
    expect((await trail()).map((e) => e.summary)).toEqual([
      'Attached “Self-certification letter.pdf” to the self-certification letter',
      'Attached “Covering email.pdf” to the submission to HMICFRS',
      'Attached “HMICFRS reply.txt” to HMICFRS’s response',
    ]);
  });

  it('attaches a file afterwards from the item page, to the record chosen, naming each missing field', async () => {
    const session = await signIn(product.baseUrl, p.dcc.email, PASSWORD);
    const page = await (await fetch(`${product.baseUrl}/recommendations/${itemId}`, { headers: { cookie: session.cookie } })).text();
    expect(page).toContain('Attach a file to the letter or HMICFRS correspondence');
    for (const kind of ['self_certification_letter', 'hmicfrs_submission', 'hmicfrs_response']) expect(page).toContain(`value="${kind}"`);
    const before = (await kept()).length;
    const post = async (fields: Record<string, string>, file?: { name: string; type: string; content: Buffer }) => {
      const form = new FormData();
      form.set('_csrf', session.csrfToken);
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      if (file) form.set('file', new Blob([file.content], { type: file.type }), file.name);
      const response = await fetch(`${product.baseUrl}/recommendations/${itemId}/attachments`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: session.cookie },
        body: form,
      });
      return { status: response.status, location: response.headers.get('location'), html: await response.text() };
    };
    const empty = await post({});
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('href="#attachment-to"');
    expect(empty.html).toContain('Choose what the file goes with');
    expect(empty.html).toContain('href="#attachment-file"');
    expect(empty.html).toContain('Choose a file to attach');
    const program = await post({ to: 'self_certification_letter' }, { name: 'Signed letter.pdf', type: 'application/pdf', content: EXE });
    expect([
      program.status,
      program.html.includes('The selected file: “Signed letter.pdf” looks like a Windows program, not a PDF.'),
    ]).toEqual([415, true]);
    expect((await kept()).length).toBe(before);

    const scan = await post(
      { to: 'self_certification_letter' },
      { name: 'Signed letter (scan).pdf', type: 'application/pdf', content: Buffer.concat([PDF, Buffer.from('% scanned\n')]) },
    );
    expect([scan.status, scan.location]).toEqual([
      303,
      `/recommendations/${itemId}?attached=${encodeURIComponent('Signed letter (scan).pdf')}#attachments`,
    ]);
    const [letter] = await product.app.dataSource.manager.findBy(SelfCertificationLetter, { recommendationId: itemId });
    const added = (await kept()).at(-1)!;
    expect([added.recordKind, added.recordId, added.title, added.addedBy]).toEqual([
      'self_certification_letter',
      letter!.id,
      'Signed letter (scan).pdf',
      p.dcc.id,
    ]);
    expect((await trail()).at(-1)!.summary).toBe('Attached “Signed letter (scan).pdf” to the self-certification letter');
    const after = await (await fetch(`${product.baseUrl}${scan.location}`, { headers: { cookie: session.cookie } })).text();
    expect(after).toContain('Attached: Signed letter (scan).pdf.');
  });

  it('refuses an infected file when a scanner is configured, with the refusal on the audit trail and nothing kept', async () => {
    const scanner = {
      scan: async (content: Buffer) => (content.includes('EICAR-STANDARD-ANTIVIRUS-TEST-FILE') ? 'Eicar-Test-Signature' : null),
    };
    const scanned = new AttachmentService(product.app.dataSource, scanner);
    const before = (await kept()).length;
    const by: ActingPerson = { actor: { personId: p.liaison.id, roles: ['liaison_lead'] }, label: p.liaison.name };
    const infected = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*');
    await expect(
      scanned.attach(
        itemId,
        { kind: 'hmicfrs_response' },
        { contentType: 'text/plain', content: infected, name: 'reply.txt', title: 'reply.txt' },
        by,
      ),
    ).rejects.toMatchObject({
      status: 422,
      errors: [{ field: 'body', message: 'contains Eicar-Test-Signature' }],
    });
    expect((await kept()).length).toBe(before);
    const [refusal] = await product.app.dataSource.manager.find(AuditEvent, {
      where: { recommendationId: itemId, type: 'attachment_refused_infected' },
    });
    expect([refusal?.entityType, refusal?.actorId, refusal?.summary]).toEqual([
      'attachment',
      p.liaison.id,
      'Refused an attachment: the virus scanner found Eicar-Test-Signature in “reply.txt”',
    ]);
    const clean = await scanned.attach(
      itemId,
      { kind: 'hmicfrs_response' },
      { contentType: 'text/plain', content: Buffer.from('clean reply\n'), name: 'clean.txt', title: 'clean.txt' },
      by,
    );
    expect(clean.title).toBe('clean.txt');
  });

  it('lets anyone signed in download the files, as evidence, and nobody else; a file is reached only through its own item', async () => {
    const files = await kept();
    const listed = await api.call<{ items: { id: string; title: string }[] }>(
      'GET',
      `/api/recommendations/${itemId}/attachments`,
      undefined,
      p.viewer.id,
    );
    expect([listed.status, listed.body.items.map((i) => i.title)]).toEqual([200, files.map((f) => f.title)]);

    const letter = files[0]!;
    const path = `/api/recommendations/${itemId}/attachments/${letter.id}/content`;
    const download = await fetch(`${product.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${await tokenFor(product, p.lead.id)}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent(letter.title)}`);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);

    expect((await api.call('GET', path, undefined, null)).status).toBe(401);
    expect((await api.call('GET', `/api/recommendations/${itemId}/attachments`, undefined, null)).status).toBe(401);
    const [otherItem] = (await api.createReport({
      title: 'Another report',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1' }],
    })) as [string];
    expect((await api.call('GET', `/api/recommendations/${otherItem}/attachments/${letter.id}/content`, undefined, p.lead.id)).status).toBe(
      404,
    );

    // The page's download link: signed in, the file; signed out, the sign-in page, not the file.
    const dcc = await signIn(product.baseUrl, p.dcc.email, PASSWORD);
    const pageLink = `/recommendations/${itemId}/attachments/${letter.id}/download`;
    const pageDownload = await fetch(`${product.baseUrl}${pageLink}`, { headers: { cookie: dcc.cookie } });
    expect([pageDownload.status, pageDownload.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    const signedOut = await fetch(`${product.baseUrl}${pageLink}`, { redirect: 'manual' });
    expect([signedOut.status, signedOut.headers.get('location')]).toEqual([303, `/sign-in?next=${encodeURIComponent(pageLink)}`]);
    expect(
      (
        await fetch(`${product.baseUrl}/recommendations/${otherItem}/attachments/${letter.id}/download`, {
          headers: { cookie: dcc.cookie },
        })
      ).status,
    ).toBe(404);

    // A viewer reads them but may not attach one.
    const viewerAttach = await fetch(`${product.baseUrl}/api/recommendations/${itemId}/attachments?to=hmicfrs_response&title=x.pdf`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf', authorization: `Bearer ${await tokenFor(product, p.viewer.id)}` },
      body: PDF,
    });
    expect(viewerAttach.status).toBe(403);
    expect((await kept()).length).toBe(files.length);
  });
});
