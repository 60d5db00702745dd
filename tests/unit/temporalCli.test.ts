import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findTemporalCli, HOW_TO_INSTALL_TEMPORAL_CLI } from '../../dev/temporalCli';

describe('findTemporalCli', () => {
  let dir: string;
  const executable = (name: string) => {
    const file = path.join(dir, name, 'temporal');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
    return file;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prefers TEMPORAL_CLI_PATH over PATH', () => {
    const configured = executable('configured');
    const onPath = executable('bin');
    expect(findTemporalCli(configured, path.dirname(onPath))).toBe(configured);
  });

  it('finds the CLI on PATH when TEMPORAL_CLI_PATH is unset', () => {
    const onPath = executable('bin');
    expect(findTemporalCli(undefined, `/nonexistent${path.delimiter}${path.dirname(onPath)}`)).toBe(onPath);
  });

  it('names the variable when TEMPORAL_CLI_PATH is not executable', () => {
    const file = path.join(dir, 'not-executable');
    fs.writeFileSync(file, 'x', { mode: 0o644 });
    expect(() => findTemporalCli(file, '')).toThrow(`TEMPORAL_CLI_PATH: ${file} is not an executable file`);
  });

  it('says exactly how to install it', () => {
    expect(HOW_TO_INSTALL_TEMPORAL_CLI).toContain('go install github.com/temporalio/cli/cmd/temporal@v1.5.1');
    expect(HOW_TO_INSTALL_TEMPORAL_CLI).toContain('TEMPORAL_CLI_PATH');
  });
});
