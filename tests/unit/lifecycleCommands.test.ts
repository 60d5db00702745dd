import * as approval from '../../domain/lifecycle/approval';
import * as closure from '../../domain/lifecycle/closure';
import * as extension from '../../domain/lifecycle/extension';
import * as intake from '../../domain/lifecycle/intake';
import * as work from '../../domain/lifecycle/work';
import { commandsIndependentOfDirectory, lifecycleCommand, lifecycleCommands, lifecycleCommandTypes } from '../../domain/lifecycle';

/** The registry the api, the pages and `decide` derive from: every entry in it once, and each entry whole. */
describe('lifecycle command entries', () => {
  const defined = [intake, work, extension, approval, closure].flatMap((group) =>
    Object.values(group).filter(
      (value): value is (typeof lifecycleCommands)[number] =>
        typeof value === 'object' && value !== null && 'effect' in value && 'guard' in value,
    ),
  );

  it('registers every entry the groups define, once', () => {
    expect(defined.map((entry) => entry.type).sort()).toEqual([...lifecycleCommandTypes].sort());
    expect(new Set(lifecycleCommandTypes).size).toBe(lifecycleCommandTypes.length);
    for (const entry of defined) expect(lifecycleCommand(entry.type)).toBe(entry);
  });

  it('asks on its form only for fields of its schema, and words its refusals as a clause', () => {
    for (const entry of lifecycleCommands) {
      const fields = Object.keys(entry.commandSchema.shape);
      expect(fields[0]).toBe('type');
      for (const field of entry.form.fields) expect(fields).toContain(field.name);
      expect(entry.phrase).toMatch(/^[a-zH"].* cannot be /);
    }
  });

  it('derives which commands need no directory from the entries', () => {
    expect([...commandsIndependentOfDirectory].sort()).toEqual(
      lifecycleCommands
        .filter((entry) => entry.independentOfDirectory)
        .map((entry) => entry.type)
        .sort(),
    );
  });
});
