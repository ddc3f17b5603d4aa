/**
 * A certificate authority of the test's own, made with the openssl command
 * (Debian's), and a server certificate it signs for 127.0.0.1, ::1 and
 * localhost. Child processes trust it through NODE_EXTRA_CA_CERTS=caPath.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** PEM of the CA certificate, and the file that holds it. */
  readonly caPem: string;
  readonly caPath: string;
  /** The server's certificate and key, PEM. */
  readonly certPem: string;
  readonly keyPem: string;
  remove(): void;
}

export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'fedidig-ca-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=fedidig test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    path('server.key'),
    '-out',
    path('server.csr'),
  );
  writeFileSync(path('server.ext'), 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  openssl(
    'x509',
    '-req',
    '-in',
    path('server.csr'),
    '-CA',
    path('ca.pem'),
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    path('server.ext'),
    '-out',
    path('server.pem'),
  );
  return {
    caPem: readFileSync(path('ca.pem'), 'utf8'),
    caPath: path('ca.pem'),
    certPem: readFileSync(path('server.pem'), 'utf8'),
    keyPem: readFileSync(path('server.key'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
