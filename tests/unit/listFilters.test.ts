import { earlierDueDates } from '../../api/recommendations/listCsv';
import { listFilters, type FilterChoices } from '../../api/recommendations/listFilters';
import { lifecycleStatuses, statusesIn, statusGroupOf, statusGroups } from '../../domain/lifecycle';
import { statusGroupTagModifiers, statusTagModifiers } from '../../platform/web/statusTags';

const lead = '6f1c9c1e-2b0a-4f57-9d1e-0d6a4f3b2a11';
const report = '0b7e8a52-8f57-4c2a-b7c5-2f0c1d9e3a44';
const choices: FilterChoices = {
  reports: [{ id: report, label: 'HMICFRS: Custody' }],
  originators: ['HMICFRS', 'Mazars'],
  owners: [],
  leads: [{ id: lead, name: 'Nadia Haskins' }],
  departments: ['Crime, Justice and Operations'],
};
const read = (query: Record<string, unknown>) => listFilters(query, choices, { limit: '25' });

describe('the list page’s filters', () => {
  it('shows each filter as a tag linking to the list without it, the others kept in their places', () => {
    const filters = read({ lead, state: 'assigned,in_progress', department: 'Crime, Justice and Operations', sort: 'dueDate' });
    expect(filters.errors).toEqual([]);
    expect(filters.tags).toEqual([
      {
        heading: 'Lead',
        tags: [
          {
            text: 'Nadia Haskins',
            href: '/recommendations?state=assigned%2Cin_progress&department=Crime%2C+Justice+and+Operations&sort=dueDate',
          },
        ],
      },
      // A department with a comma is one value, not two.
      {
        heading: 'Department',
        tags: [{ text: 'Crime, Justice and Operations', href: `/recommendations?lead=${lead}&state=assigned%2Cin_progress&sort=dueDate` }],
      },
      {
        heading: 'Status',
        tags: [
          {
            text: 'Assigned',
            href: `/recommendations?lead=${lead}&state=in_progress&department=Crime%2C+Justice+and+Operations&sort=dueDate`,
          },
          {
            text: 'In progress',
            href: `/recommendations?lead=${lead}&state=assigned&department=Crime%2C+Justice+and+Operations&sort=dueDate`,
          },
        ],
      },
    ]);
    // Two statuses cannot sit in one select: they travel as a hidden field, and the select offers a third.
    expect(filters.hidden).toEqual([
      { name: 'state', value: 'assigned,in_progress' },
      { name: 'sort', value: 'dueDate' },
    ]);
    expect(filters.fields.find((f) => f.name === 'state')!.items.filter((i) => i.selected)).toEqual([]);
    expect(
      filters.fields
        .find((f) => f.name === 'lead')!
        .items.filter((i) => i.selected)
        .map((i) => i.text),
    ).toEqual(['Nadia Haskins']);
  });

  it('keeps filters the form has no select for (the dashboard’s) as hidden fields and tags', () => {
    const filters = read({ overdue: 'true', noDepartment: 'true', dueBefore: '2027-03-31' });
    expect(filters.tags.map((g) => [g.heading, g.tags.map((t) => t.text)])).toEqual([
      ['Department', ['No department']],
      ['Overdue', ['Overdue']],
      ['Due before', ['31 March 2027']],
    ]);
    expect(filters.hidden.map((h) => h.name)).toEqual(['noDepartment', 'dueBefore', 'sort']);
    expect(filters.query).toMatchObject({ overdue: true, noDepartment: true, dueBefore: '2027-03-31' });
  });

  it('names each bad value by its field in words, and keeps the good filters', () => {
    const filters = read({ rag: 'purple', owner: 'bob', colour: 'red', report, q: '' });
    expect(filters.errors).toEqual([
      {
        field: 'filter-rag',
        message: 'RAG status must be a RAG status: closed, proposed_for_closure, off_target, at_risk, on_target, not_for_the_force',
      },
      { field: 'filter-owner', message: 'Owner must be a person id (a UUID), "me" or "none"' },
      { field: 'filters', message: '“colour” is not a filter of this list' },
    ]);
    expect(filters.query).toMatchObject({ report });
    expect(filters.query.rag).toBeUndefined();
    expect(filters.tags.map((g) => g.heading)).toEqual(['Report']);
    expect(filters.queryString()).toBe(`?report=${report}`);
  });
});

describe('status groups', () => {
  it('put every status in one group, and give each group one tag colour', () => {
    expect(statusGroups.flatMap((g) => statusesIn([g])).sort()).toEqual([...lifecycleStatuses].sort());
    for (const status of lifecycleStatuses)
      expect([status, statusTagModifiers[status]]).toEqual([status, statusGroupTagModifiers[statusGroupOf[status]]]);
    expect(new Set(Object.values(statusGroupTagModifiers)).size).toBe(statusGroups.length);
  });
});

describe('the CSV’s earlier due dates', () => {
  it('lists each date before the current one with the day it changed, and how', () => {
    expect(earlierDueDates([])).toBe('');
    expect(earlierDueDates([{ dueDate: '2026-09-30', decidedOn: '2026-01-10', kind: 'set' }])).toBe('');
    expect(
      earlierDueDates([
        { dueDate: '2026-09-30', decidedOn: '2026-01-10', kind: 'set' },
        { dueDate: '2027-01-31', decidedOn: '2026-09-01', kind: 'extension' },
        { dueDate: '2027-04-30', decidedOn: '2027-01-20', kind: 'set' },
      ]),
    ).toBe('2026-09-30 (extended on 2026-09-01); 2027-01-31 (changed on 2027-01-20)');
  });
});
