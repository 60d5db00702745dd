import { roles, type Role } from '../../domain/vocabulary';
import {
  authorize,
  describePermission,
  isAllowed,
  mightBeAllowed,
  permissionNames,
  permissionTable,
} from '../../platform/http/permissions';

const as = (...held: Role[]) => ({ person: { id: 'p', name: 'P', email: 'p@x', roles: held } });

describe('the permission table', () => {
  it('names a description and at least one role for every permission, only from the roles of DOMAIN.md', () => {
    for (const name of permissionNames) {
      const rule = permissionTable[name];
      expect(rule.description.length).toBeGreaterThan(10);
      expect(rule.roles.length).toBeGreaterThan(0);
      for (const role of rule.roles) expect(roles).toContain(role);
    }
  });

  it('lets viewers read (all but the raw audit trail) and change nothing but their own tokens and reminder preference', () => {
    const viewer = as('viewer');
    for (const name of permissionNames) {
      const reads = name.endsWith('.read') && name !== 'audit.read';
      // Their own API tokens and their own reminder preference are the only things a viewer sets.
      expect([name, isAllowed(viewer, name, { owner: true, self: true })]).toEqual([
        name,
        reads || name === 'apiTokens.manage' || name === 'people.preferences',
      ]);
    }
  });

  it('gives evidence to the item’s owner or an administrator only', () => {
    expect(isAllowed(as('action_owner'), 'evidence.add')).toBe(false);
    expect(isAllowed(as('action_owner'), 'evidence.add', { owner: true })).toBe(true);
    expect(isAllowed(as('administrator'), 'evidence.add')).toBe(true);
    expect(isAllowed(as('lead'), 'evidence.add', { owner: false })).toBe(false);
    expect(mightBeAllowed(as('lead'), 'evidence.add')).toBe(true);
  });

  it('lets approvers manage their own delegations, and only administrators anyone’s', () => {
    expect(isAllowed(as('dcc'), 'delegations.manage', { self: true })).toBe(true);
    expect(isAllowed(as('dcc'), 'delegations.manage', { self: false })).toBe(false);
    expect(isAllowed(as('action_owner'), 'delegations.manage', { self: true })).toBe(false);
    expect(mightBeAllowed(as('action_owner'), 'delegations.manage')).toBe(false);
    expect(isAllowed(as('administrator'), 'delegations.manage')).toBe(true);
  });

  it('sends every role but viewers on to the lifecycle for commands, which decides the rest', () => {
    for (const role of roles) expect([role, isAllowed(as(role), 'recommendations.command')]).toEqual([role, role !== 'viewer']);
    expect(isAllowed(as(), 'recommendations.read')).toBe(false);
  });

  it('refuses with 403 naming the permission, and describes who may', () => {
    expect(() => authorize(as('viewer'), 'reports.create')).toThrow(
      expect.objectContaining({ status: 403, detail: expect.stringContaining('reports.create') }),
    );
    expect(describePermission('evidence.add')).toMatch(/^administrator; or the item's owner \(if administrator, action_owner/);
    expect(describePermission('reports.read')).toBe('every role');
  });
});
