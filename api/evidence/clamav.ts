import net from 'node:net';

/** Scans a file before it is kept; a force that requires scanning sets CLAMAV_ADDRESS. */
export interface VirusScanner {
  /** The signature found, or null when the file is clean. Throws when the scanner cannot say. */
  scan(content: Buffer): Promise<string | null>;
}

const CHUNK = 64 * 1024;

export class ScannerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScannerUnavailableError';
  }
}

/** host:port, [ipv6]:port, or the path of a unix socket. */
function connectOptions(address: string): net.NetConnectOpts {
  if (address.startsWith('/')) return { path: address };
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address);
  if (!match) throw new ScannerUnavailableError(`"${address}" is not host:port or a socket path`);
  return { host: match[1]!, port: Number(match[2]) };
}

/**
 * clamd's INSTREAM command: the file in chunks, each after its length as four bytes (big-endian), then a zero length;
 * clamd answers "stream: OK" or "stream: <signature> FOUND" (the z prefix makes every message end with a NUL byte).
 */
export function clamdScanner(address: string, timeoutMs = 60_000): VirusScanner {
  return {
    scan(content) {
      return new Promise<string | null>((resolve, reject) => {
        const socket = net.connect(connectOptions(address));
        const received: Buffer[] = [];
        let done = false;
        const finish = (error: Error | null, signature: string | null = null) => {
          if (done) return;
          done = true;
          socket.destroy();
          if (error) reject(error);
          else resolve(signature);
        };
        const settle = (answer: string) => {
          const found = /^stream: (.+) FOUND$/.exec(answer);
          if (found) finish(null, found[1]!);
          else if (answer === 'stream: OK') finish(null, null);
          else finish(new ScannerUnavailableError(`clamd at ${address} answered "${answer.slice(0, 200)}"`));
        };
        socket.setTimeout(timeoutMs, () =>
          finish(new ScannerUnavailableError(`clamd at ${address} did not answer within ${timeoutMs / 1000} seconds`)),
        );
        socket.on('error', (error) => finish(new ScannerUnavailableError(`clamd at ${address} could not be reached: ${error.message}`)));
        socket.on('data', (chunk: Buffer) => {
          received.push(chunk);
          const answer = Buffer.concat(received);
          const end = answer.indexOf(0);
          if (end >= 0) settle(answer.subarray(0, end).toString('utf8').trim());
          else if (answer.length > 4096)
            finish(new ScannerUnavailableError(`clamd at ${address} answered with something that is not an answer`));
        });
        socket.on('end', () => settle(Buffer.concat(received).toString('utf8').replace(/\0/g, '').trim()));
        socket.on('connect', () => {
          socket.write('zINSTREAM\0');
          for (let at = 0; at < content.length; at += CHUNK) {
            const piece = content.subarray(at, at + CHUNK);
            const length = Buffer.alloc(4);
            length.writeUInt32BE(piece.length);
            socket.write(length);
            socket.write(piece);
          }
          socket.write(Buffer.alloc(4));
        });
      });
    },
  };
}
