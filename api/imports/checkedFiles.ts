import { createHash } from 'node:crypto';

/**
 * The files the import page has checked, kept in memory for a short time so that "Import" imports exactly the file
 * that was dry-run: the import form carries only the file's SHA-256, and the bytes come from here. A file is kept
 * for the person who checked it; one that has expired, been pushed out or was checked by another instance of the
 * api (or before a restart) is not found, and the page asks for the file again: never a different file.
 */

export interface CheckedFile {
  hash: string;
  name: string;
  contentType: string;
  content: Buffer;
}

interface Kept extends CheckedFile {
  personId: string;
  until: number;
}

export class CheckedFiles {
  private readonly kept = new Map<string, Kept>();

  constructor(
    readonly keepForMs = 30 * 60_000,
    /** Bytes kept in all: the oldest files go first past this. */
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly now: () => number = Date.now,
  ) {}

  keep(personId: string, file: Omit<CheckedFile, 'hash'>): CheckedFile {
    const hash = createHash('sha256').update(file.content).digest('hex');
    const key = `${personId}:${hash}`;
    this.kept.delete(key); // kept again: it moves to the newest end
    this.kept.set(key, { ...file, hash, personId, until: this.now() + this.keepForMs });
    this.prune();
    return { ...file, hash };
  }

  find(personId: string, hash: string): CheckedFile | null {
    this.prune();
    const found = this.kept.get(`${personId}:${hash}`);
    return found ? { hash: found.hash, name: found.name, contentType: found.contentType, content: found.content } : null;
  }

  forget(personId: string, hash: string): void {
    this.kept.delete(`${personId}:${hash}`);
  }

  private prune(): void {
    const now = this.now();
    let total = 0;
    for (const [key, file] of this.kept) {
      if (file.until <= now) this.kept.delete(key);
      else total += file.content.length;
    }
    // A Map iterates in insertion order: the oldest first.
    for (const [key, file] of this.kept) {
      if (total <= this.maxBytes) break;
      this.kept.delete(key);
      total -= file.content.length;
    }
  }
}
