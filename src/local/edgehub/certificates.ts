// The local edgeHub's TLS material, made fresh for every `edgeml run`: a CA (the file modules trust through
// EdgeModuleCACertificateFile) and a server certificate it signs for the names modules dial (GatewayHostName).
// Local stage. Keys come from Node's crypto (RSA 2048, native and fast); node-forge builds and signs the X.509
// certificates: no network, no openssl binary, and nothing is kept after the run.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export interface EdgeHubCertificates {
  /** PEM of the per-run CA; modules trust it. */
  caPem: string;
  /** PEM of the server certificate, then the CA (the chain the TLS server presents). */
  serverChainPem: string;
  /** PEM of the server key; held in memory only. */
  serverKeyPem: string;
}

/** A run lasts hours at most; a day of validity covers clock skew between host and containers. */
const VALIDITY_MS = 24 * 60 * 60 * 1000;

function newKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; privatePem: string } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey);
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), privatePem: privateKey };
}

/** A positive serial number (hex, top bit clear), random so certificates of different runs never collide. */
function serialNumber(): string {
  const bytes = randomBytes(9);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate): void {
  cert.validity.notBefore = new Date(Date.now() - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + VALIDITY_MS);
}

/** A CA and a server certificate valid for `hostNames` (DNS names or IP addresses). */
export function createEdgeHubCertificates(hostNames: readonly string[]): EdgeHubCertificates {
  const caKeys = newKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  validity(ca);
  const caName = [{ name: 'commonName', value: 'edgeml run local edgeHub CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = newKeyPair();
  const server = forge.pki.createCertificate();
  server.publicKey = serverKeys.publicKey;
  server.serialNumber = serialNumber();
  validity(server);
  server.setSubject([{ name: 'commonName', value: 'edgehub' }]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // type 7 is an IP address, 2 a DNS name (RFC 5280 GeneralName).
    {
      name: 'subjectAltName',
      altNames: [...new Set(hostNames)].map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })),
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());

  const caPem = forge.pki.certificateToPem(ca);
  return { caPem, serverChainPem: forge.pki.certificateToPem(server) + caPem, serverKeyPem: serverKeys.privatePem };
}
