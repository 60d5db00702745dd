import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireInstanceLock } from '../../dev/instanceLock';

describe('acquireInstanceLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a second start while the first process runs, naming it', () => {
    // The parent of this test process is alive for the whole test.
    fs.writeFileSync(path.join(dir, 'instance.lock'), String(process.ppid));
    expect(() => acquireInstanceLock(dir)).toThrow(`The product is already running from this folder (process ${process.ppid}`);
  });

  it('takes over a lock left by a process that no longer runs', () => {
    fs.writeFileSync(path.join(dir, 'instance.lock'), '999999999');
    const lock = acquireInstanceLock(dir);
    expect(fs.readFileSync(path.join(dir, 'instance.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(fs.existsSync(path.join(dir, 'instance.lock'))).toBe(false);
  });
});
