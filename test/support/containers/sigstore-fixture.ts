/**
 * A private Sigstore, made in memory, so installer verification runs offline through the real
 * sigstore-js code path: a Fulcio-like CA (root + leaf certificates with the GitHub workflow
 * identity), a CT log (embedded SCT), a Rekor-like log (SET + checkpoint-signed inclusion proof),
 * and a TUF repository that serves the trusted_root.json naming those keys.
 */
import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

// ---- minimal DER ----------------------------------------------------------------------------
function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, body: Buffer) => tlv(0xa0 + n, body);
function int(n: number | Buffer): Buffer {
  let hex = typeof n === 'number' ? n.toString(16) : '';
  if (hex.length % 2) hex = `0${hex}`;
  let b = typeof n === 'number' ? Buffer.from(hex, 'hex') : n;
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const parts: number[] = [];
    let v = n;
    do { parts.unshift(v & 0x7f); v = Math.floor(v / 128); } while (v > 0);
    for (let i = 0; i < parts.length - 1; i++) parts[i] |= 0x80;
    out.push(...parts);
  }
  return tlv(0x06, Buffer.from(out));
}
const bitString = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  return tlv(0x17, Buffer.from(`${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`));
}
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const name = (cn: string) => seq(set(seq(oid('2.5.4.10'), utf8('mesh-actions test')), set(seq(oid('2.5.4.3'), utf8(cn)))));
const ext = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

interface KeyPair { privateKey: KeyObject; publicKey: KeyObject; spki: Buffer }
function ecKey(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, spki: publicKey.export({ type: 'spki', format: 'der' }) };
}
const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const keyId = (spki: Buffer) => sha256(spki).subarray(0, 20);

function tbs(opts: { serial: number; issuer: Buffer; subject: Buffer; notBefore: Date; notAfter: Date; spki: Buffer; extensions: Buffer[] }): Buffer {
  return seq(explicit(0, int(2)), int(opts.serial), ECDSA_SHA256, opts.issuer, seq(utcTime(opts.notBefore), utcTime(opts.notAfter)), opts.subject, opts.spki, explicit(3, seq(...opts.extensions)));
}
const certificate = (tbsDer: Buffer, signer: KeyObject) => seq(tbsDer, ECDSA_SHA256, bitString(sign('sha256', tbsDer, signer)));

// ---- the fake services --------------------------------------------------------------------------
export interface Identity { san: string; issuer: string }

export interface PrivateSigstore {
  trustedRoot: Record<string, unknown>;
  /** Signs `artifact` as `identity` and returns a v0.3 bundle, as `cosign sign-blob --bundle` writes. */
  signBlob(artifact: Buffer, identity: Identity): Record<string, unknown>;
}

/** The keys and names a private Sigstore signs with: its CA (Fulcio), its CT log and its transparency log (Rekor). */
interface Authority {
  now: Date;
  start: Date;
  rootKey: KeyPair;
  ctKey: KeyPair;
  rekorKey: KeyPair;
  caName: Buffer;
  rekorURL: string;
}

export function createPrivateSigstore(rekorURL: string): PrivateSigstore {
  const now = new Date();
  const ca: Authority = { now, start: new Date(now.getTime() - 86_400_000), rootKey: ecKey(), ctKey: ecKey(), rekorKey: ecKey(), caName: name('private-fulcio'), rekorURL };
  let serial = 100;
  let logIndex = 7;
  return {
    trustedRoot: trustedRootOf(ca),
    signBlob: (artifact, identity) => signBlob(ca, artifact, identity, serial++, logIndex++),
  };
}

/** The trusted root a verifier is given: the CA's self-signed root, the CT log's and Rekor's keys. */
function trustedRootOf(ca: Authority): Record<string, unknown> {
  const { now, start, rootKey } = ca;
  const rootDer = certificate(tbs({
    serial: 1, issuer: ca.caName, subject: ca.caName, notBefore: start, notAfter: new Date(now.getTime() + 365 * 86_400_000), spki: rootKey.spki,
    extensions: [
      ext('2.5.29.15', true, bitString(Buffer.from([0x06]))), // keyCertSign, cRLSign
      ext('2.5.29.19', true, seq(bool(true))),
      ext('2.5.29.14', false, octets(keyId(rootKey.spki))),
    ],
  }), rootKey.privateKey);
  const tlogInstance = (k: KeyPair, url: string) => ({
    baseUrl: url,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: k.spki.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: start.toISOString() } },
    logId: { keyId: sha256(k.spki).toString('base64') },
  });
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [tlogInstance(ca.rekorKey, ca.rekorURL)],
    certificateAuthorities: [{
      subject: { organization: 'mesh-actions test', commonName: 'private-fulcio' },
      uri: 'https://fulcio.invalid',
      certChain: { certificates: [{ rawBytes: rootDer.toString('base64') }] },
      validFor: { start: start.toISOString() },
    }],
    ctlogs: [tlogInstance(ca.ctKey, 'https://ctfe.invalid/test')],
    timestampAuthorities: [],
  };
}

/** A short-lived Fulcio-style leaf for `identity`, with the CT log's embedded SCT. */
function leafCertificate(ca: Authority, identity: Identity, leafKey: KeyPair, serial: number): Buffer {
  const issuedAt = new Date(ca.now.getTime() - 60_000);
  const base = {
    serial, issuer: ca.caName, subject: seq(), notBefore: issuedAt, notAfter: new Date(issuedAt.getTime() + 10 * 60_000), spki: leafKey.spki,
  };
  const extensions = [
    ext('2.5.29.15', true, bitString(Buffer.from([0x80]))), // digitalSignature
    ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.3'))), // codeSigning
    ext('2.5.29.14', false, octets(keyId(leafKey.spki))),
    ext('2.5.29.35', false, seq(tlv(0x80, keyId(ca.rootKey.spki)))),
    ext('2.5.29.17', true, seq(tlv(0x86, Buffer.from(identity.san, 'ascii')))),
    ext('1.3.6.1.4.1.57264.1.1', false, Buffer.from(identity.issuer, 'ascii')),
    ext('1.3.6.1.4.1.57264.1.8', false, utf8(identity.issuer)),
  ];
  // RFC 6962 §3.2: the CT log signs the precertificate TBS (no SCT extension) and the issuer key hash.
  const preTbs = tbs({ ...base, extensions });
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(issuedAt.getTime()));
  const u24 = Buffer.from([(preTbs.length >> 16) & 0xff, (preTbs.length >> 8) & 0xff, preTbs.length & 0xff]);
  const signed = Buffer.concat([Buffer.from([0, 0]), ts, Buffer.from([0, 1]), sha256(ca.rootKey.spki), u24, preTbs, Buffer.from([0, 0])]);
  const sctSig = sign('sha256', signed, ca.ctKey.privateKey);
  const sct = Buffer.concat([Buffer.from([0]), sha256(ca.ctKey.spki), ts, Buffer.from([0, 0]), Buffer.from([4, 3]), u16(sctSig.length), sctSig]);
  const sctList = Buffer.concat([u16(sct.length + 2), u16(sct.length), sct]);
  const finalTbs = tbs({ ...base, extensions: [...extensions, ext('1.3.6.1.4.1.11129.2.4.2', false, octets(sctList))] });
  return certificate(finalTbs, ca.rootKey.privateKey);
}

/** `cosign sign-blob --bundle`: a leaf key signs the artifact, and Rekor logs it (a one-leaf tree). */
function signBlob(ca: Authority, artifact: Buffer, identity: Identity, serial: number, index: number): Record<string, unknown> {
  const leafKey = ecKey();
  const cert = leafCertificate(ca, identity, leafKey, serial);
  const signature = sign('sha256', artifact, leafKey.privateKey);
  const digest = sha256(artifact);
  const pem = `-----BEGIN CERTIFICATE-----\n${cert.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  const body = Buffer.from(JSON.stringify({
    apiVersion: '0.0.1', kind: 'hashedrekord',
    spec: { data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } }, signature: { content: signature.toString('base64'), publicKey: { content: Buffer.from(pem).toString('base64') } } },
  }));
  const rekorLogId = sha256(ca.rekorKey.spki);
  const integratedTime = Math.floor(ca.now.getTime() / 1000) - 30;
  const set = sign('sha256', Buffer.from(canonicalJson({ body: body.toString('base64'), integratedTime, logIndex: index, logID: rekorLogId.toString('hex') })), ca.rekorKey.privateKey);
  // A one-leaf tree: the root hash is the leaf hash and the proof has no hashes.
  const rootHash = sha256(Buffer.from([0]), body);
  const host = new URL(ca.rekorURL).host;
  const note = `${host} - test\n1\n${rootHash.toString('base64')}\n`;
  const noteSig = Buffer.concat([rekorLogId.subarray(0, 4), sign('sha256', Buffer.from(note), ca.rekorKey.privateKey)]);
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: cert.toString('base64') },
      tlogEntries: [{
        logIndex: String(index),
        logId: { keyId: rekorLogId.toString('base64') },
        kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
        integratedTime: String(integratedTime),
        inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
        inclusionProof: { logIndex: '0', rootHash: rootHash.toString('base64'), treeSize: '1', hashes: [], checkpoint: { envelope: `${note}\n\u2014 ${host} ${noteSig.toString('base64')}\n` } },
        canonicalizedBody: body.toString('base64'),
      }],
    },
    messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') }, signature: signature.toString('base64') },
  };
}

function u16(n: number): Buffer {
  return Buffer.from([(n >> 8) & 0xff, n & 0xff]);
}

/** Sorted keys, no whitespace: what Rekor signs and what TUF signs (our values are plain ASCII). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// ---- TUF -------------------------------------------------------------------------------------
/** The files of a one-key TUF repository serving `trusted_root.json`, keyed by URL path under the mirror. */
export function tufRepository(trustedRoot: Record<string, unknown>): { files: Map<string, Buffer>; rootJson: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const rawPublic = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const key = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: rawPublic.toString('hex') } };
  const keyid = createHash('sha256').update(canonicalJson(key)).digest('hex');
  const expires = new Date(Date.now() + 7 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const envelope = (signed: Record<string, unknown>) =>
    Buffer.from(JSON.stringify({ signed, signatures: [{ keyid, sig: sign(null, Buffer.from(canonicalJson(signed)), createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }))).toString('hex') }] }));
  const role = { keyids: [keyid], threshold: 1 };
  const root = envelope({
    _type: 'root', spec_version: '1.0.31', version: 1, expires, consistent_snapshot: false, keys: { [keyid]: key },
    roles: { root: role, targets: role, snapshot: role, timestamp: role },
  });
  const target = Buffer.from(JSON.stringify(trustedRoot));
  const targets = envelope({
    _type: 'targets', spec_version: '1.0.31', version: 1, expires,
    targets: { 'trusted_root.json': { length: target.length, hashes: { sha256: createHash('sha256').update(target).digest('hex') } } },
  });
  const snapshot = envelope({ _type: 'snapshot', spec_version: '1.0.31', version: 1, expires, meta: { 'targets.json': { version: 1 } } });
  const timestamp = envelope({ _type: 'timestamp', spec_version: '1.0.31', version: 1, expires, meta: { 'snapshot.json': { version: 1 } } });
  const files = new Map<string, Buffer>([
    ['/1.root.json', root],
    ['/timestamp.json', timestamp],
    ['/snapshot.json', snapshot],
    ['/targets.json', targets],
    ['/targets/trusted_root.json', target],
  ]);
  return { files, rootJson: root };
}
