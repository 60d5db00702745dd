import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Certificate {
  keyFile: string;
  certFile: string;
  key: Buffer;
  cert: Buffer;
}

/**
 * A throwaway certificate for `localhost` and 127.0.0.1, made with openssl. It is its own CA, so a Node client
 * trusts it through NODE_EXTRA_CA_CERTS=certFile with certificate checks left on.
 */
export async function selfSignedCertificate(dir: string, days = 30): Promise<Certificate> {
  fs.mkdirSync(dir, { recursive: true });
  const keyFile = path.join(dir, 'smtp-key.pem');
  const certFile = path.join(dir, 'smtp-cert.pem');
  const args = [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    String(days),
    '-subj',
    '/CN=localhost',
  ];
  args.push('-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE');
  await new Promise<void>((resolve, reject) =>
    execFile('openssl', args, (error, _stdout, stderr) =>
      error
        ? reject(
            new Error(`openssl could not make a certificate for the local SMTP server (is openssl installed?): ${stderr || error.message}`),
          )
        : resolve(),
    ),
  );
  fs.chmodSync(keyFile, 0o600);
  return { keyFile, certFile, key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) };
}
