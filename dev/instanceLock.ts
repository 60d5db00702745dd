import fs from 'node:fs';
import path from 'node:path';

/**
 * One `npm start` per data folder: a second one fails with a clear message instead of a port crash
 * or two processes writing the same embedded database.
 */
export interface InstanceLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireInstanceLock(dataDir: string): InstanceLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'instance.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `The product is already running from this folder (process ${holder}, data in ${dataDir}).\n` +
            'Use the running one, or stop it with Ctrl-C in its terminal before starting again.',
        );
      }
      fs.unlinkSync(file); // left behind by a process that no longer runs
    }
  }
  throw new Error(`Could not take the instance lock ${file}`);
}
