import { demoPeople, demoReports, type DemoItem, type DemoReport } from '../../demo/demoData';
import { closureCategories, isIsoDate, itemKinds, roles, sourceKinds, sourceScopes } from '../../domain/vocabulary';

/** The demo is set on this day: every assigned item must still be open and in date. */
const TODAY = '2026-11-23';
/** "At risk" means due within the next three months. */
const THREE_MONTHS_ON = '2027-02-23';

const peopleByKey = new Map(demoPeople.map((person) => [person.key, person]));
const allItems: Array<{ report: DemoReport; item: DemoItem }> = demoReports.flatMap((report) =>
  report.items.map((item) => ({ report, item })),
);

function label(report: DemoReport, item: DemoItem): string {
  return `${report.key} ${item.reference}`;
}

describe('demo people', () => {
  it('are about a dozen, with unique keys and unique emails', () => {
    expect(demoPeople.length).toBeGreaterThanOrEqual(10);
    expect(demoPeople.length).toBeLessThanOrEqual(14);
    expect(new Set(demoPeople.map((p) => p.key)).size).toBe(demoPeople.length);
    expect(new Set(demoPeople.map((p) => p.email.toLowerCase())).size).toBe(demoPeople.length);
  });

  it('have firstname.lastname emails at the demo force', () => {
    for (const person of demoPeople) {
      expect(person.email).toMatch(/^[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*@demo-constabulary\.police\.uk$/);
      const names = person.name.toLowerCase().split(/\s+/);
      expect(person.email).toBe(`${names[0]}.${names[names.length - 1]}@demo-constabulary.police.uk`);
    }
  });

  it('have a name, a job title, a department and known roles without repeats', () => {
    for (const person of demoPeople) {
      expect(person.name.trim()).not.toBe('');
      expect(person.jobTitle.trim()).not.toBe('');
      expect(person.department.trim()).not.toBe('');
      expect(person.roles.length).toBeGreaterThan(0);
      expect(new Set(person.roles).size).toBe(person.roles.length);
      for (const role of person.roles) expect(roles).toContain(role);
    }
  });

  it('cover every role, with several action owners and several leads', () => {
    for (const role of roles) {
      expect(demoPeople.filter((p) => p.roles.includes(role)).map((p) => p.key)).not.toEqual([]);
    }
    expect(demoPeople.filter((p) => p.roles.includes('action_owner')).length).toBeGreaterThanOrEqual(3);
    expect(demoPeople.filter((p) => p.roles.includes('lead')).length).toBeGreaterThanOrEqual(3);
  });

  it('give the DCC and the finance director their own people, with the right titles', () => {
    const dccs = demoPeople.filter((p) => p.roles.includes('dcc'));
    expect(dccs.map((p) => p.jobTitle)).toEqual(['Deputy Chief Constable']);
    const finance = demoPeople.filter((p) => p.roles.includes('finance_director'));
    expect(finance.length).toBe(1);
    expect(finance[0]?.department).toBe('Finance');
  });
});

describe('demo reports', () => {
  it('are six to eight, with unique keys and titles', () => {
    expect(demoReports.length).toBeGreaterThanOrEqual(6);
    expect(demoReports.length).toBeLessThanOrEqual(8);
    expect(new Set(demoReports.map((r) => r.key)).size).toBe(demoReports.length);
    expect(new Set(demoReports.map((r) => r.title)).size).toBe(demoReports.length);
  });

  it('have a title, an originator, a known kind and scope and a publication date no later than today', () => {
    for (const report of demoReports) {
      expect(report.title.trim()).not.toBe('');
      expect(report.originator.trim()).not.toBe('');
      expect(sourceKinds).toContain(report.kind);
      expect(sourceScopes).toContain(report.scope);
      expect(isIsoDate(report.publishedOn)).toBe(true);
      expect(report.publishedOn <= TODAY).toBe(true);
    }
  });

  it('include inspections, a joint inspection, a super-complaint and an audit', () => {
    const kinds = demoReports.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'inspection').length).toBeGreaterThanOrEqual(3);
    expect(kinds).toContain('joint_inspection');
    expect(kinds).toContain('super_complaint');
    expect(kinds.some((k) => k === 'internal_audit' || k === 'external_audit')).toBe(true);
    expect(demoReports.some((r) => r.scope === 'national')).toBe(true);
    expect(demoReports.some((r) => r.scope === 'force')).toBe(true);
  });

  it('each hold two to six items with unique references', () => {
    for (const report of demoReports) {
      expect(report.items.length).toBeGreaterThanOrEqual(2);
      expect(report.items.length).toBeLessThanOrEqual(6);
      const references = report.items.map((i) => i.reference);
      expect(new Set(references).size).toBe(references.length);
    }
  });
});

describe('demo items', () => {
  it('have a reference, a known kind, plain text and an addressee', () => {
    for (const { report, item } of allItems) {
      const where = label(report, item);
      expect([where, item.reference.trim()]).not.toEqual([where, '']);
      expect(itemKinds).toContain(item.kind);
      expect(item.text.trim().length).toBeGreaterThan(20);
      expect([where, /<[a-z/][^>]*>/i.test(item.text)]).toEqual([where, false]);
      expect(item.addressedTo.trim()).not.toBe('');
    }
  });

  it('use only HMICFRS closure categories', () => {
    for (const { item } of allItems) {
      if (item.category !== null) expect(closureCategories).toContain(item.category);
    }
  });

  it('not for the force carry no category, department, owner, lead or due date', () => {
    const national = allItems.filter(({ item }) => !item.forTheForce);
    expect(national.length).toBeGreaterThan(0);
    for (const { report, item } of national) {
      expect([label(report, item), item.category, item.department, item.ownerKey, item.leadKey, item.dueDate]).toEqual([
        label(report, item),
        null,
        null,
        null,
        null,
        null,
      ]);
    }
  });

  it('include items for the Home Office, the College of Policing, the CPS and the NPCC', () => {
    const addressees = allItems.filter(({ item }) => !item.forTheForce).map(({ item }) => item.addressedTo);
    for (const body of ['Home Office', 'College of Policing', 'CPS', 'NPCC']) {
      expect(addressees.some((a) => a.includes(body))).toBe(true);
    }
  });

  it('for the force have a department and a closure category', () => {
    for (const { report, item } of allItems.filter(({ item }) => item.forTheForce)) {
      expect([label(report, item), typeof item.department, (item.department ?? '').trim() !== '']).toEqual([
        label(report, item),
        'string',
        true,
      ]);
      expect([label(report, item), item.category === null]).toEqual([label(report, item), false]);
    }
  });

  it('set owner, lead and due date together or not at all', () => {
    for (const { report, item } of allItems) {
      const set = [item.ownerKey, item.leadKey, item.dueDate].map((value) => value !== null);
      expect([label(report, item), set]).toEqual([label(report, item), set[0] ? [true, true, true] : [false, false, false]]);
    }
  });

  it('are owned by an action owner and led by a different person who is a lead', () => {
    for (const { report, item } of allItems.filter(({ item }) => item.ownerKey !== null)) {
      const where = label(report, item);
      const owner = peopleByKey.get(item.ownerKey ?? '');
      const lead = peopleByKey.get(item.leadKey ?? '');
      expect([where, owner?.roles.includes('action_owner')]).toEqual([where, true]);
      expect([where, lead?.roles.includes('lead')]).toEqual([where, true]);
      expect([where, item.ownerKey === item.leadKey]).toEqual([where, false]);
    }
  });

  it('fall due after today, on a real calendar day', () => {
    for (const { report, item } of allItems.filter(({ item }) => item.dueDate !== null)) {
      const due = item.dueDate ?? '';
      expect([label(report, item), isIsoDate(due), due > TODAY]).toEqual([label(report, item), true, true]);
    }
  });

  it('leave some force items awaiting triage and put some assigned items at risk', () => {
    const forForce = allItems.filter(({ item }) => item.forTheForce);
    const assigned = forForce.filter(({ item }) => item.ownerKey !== null);
    expect(forForce.some(({ item }) => item.ownerKey === null)).toBe(true);
    expect(assigned.length).toBeGreaterThanOrEqual(5);
    expect(assigned.filter(({ item }) => (item.dueDate ?? '') <= THREE_MONTHS_ON).length).toBeGreaterThanOrEqual(2);
    expect(assigned.some(({ item }) => (item.dueDate ?? '') > '2027-06-30')).toBe(true);
  });

  it('give every action owner and every lead some work', () => {
    const owners = new Set(allItems.map(({ item }) => item.ownerKey));
    const leads = new Set(allItems.map(({ item }) => item.leadKey));
    expect(demoPeople.filter((p) => p.roles.includes('action_owner') && !owners.has(p.key)).map((p) => p.key)).toEqual([]);
    expect(demoPeople.filter((p) => p.roles.includes('lead') && !leads.has(p.key)).map((p) => p.key)).toEqual([]);
  });

  it('route audit actions to a lead in Finance', () => {
    const auditItems = allItems.filter(
      ({ report, item }) => (report.kind === 'internal_audit' || report.kind === 'external_audit') && item.leadKey !== null,
    );
    expect(auditItems.length).toBeGreaterThan(0);
    for (const { item } of auditItems) {
      expect(peopleByKey.get(item.leadKey ?? '')?.department).toBe('Finance');
    }
  });
});
