// The guest's name server (10.0.2.3, /etc/resolv.conf in the image): answers A and AAAA
// questions with the host's resolver (getaddrinfo: the host's /etc/hosts, then its DNS),
// and host.wasmux.internal with the host's address as the guest sees it. DNS messages as
// RFC 1035 §4.1 lays them out; other question types are answered "not implemented".
import dns from 'node:dns';
import { expandIpv6, HOST_GATEWAY, HOST_GATEWAY_NAME } from './net_addresses.js';

const TYPE_A = 1, TYPE_AAAA = 28, CLASS_IN = 1;
const RCODE_OK = 0, RCODE_FORMAT = 1, RCODE_SERVFAIL = 2, RCODE_NXDOMAIN = 3, RCODE_NOTIMP = 4;

interface Question {
  name: string;
  type: number;
  cls: number;
  end: number; // offset past the question
}

function readQuestion(q: Buffer): Question | undefined {
  if (q.length < 12 || q.readUInt16BE(4) !== 1) return undefined; // one question, as resolvers send
  const labels: string[] = [];
  let at = 12;
  for (;;) {
    if (at >= q.length) return undefined;
    const len = q[at]!;
    if (len === 0) break;
    if (len > 63 || at + 1 + len > q.length) return undefined; // no compression in a question
    labels.push(q.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  at += 1;
  if (at + 4 > q.length) return undefined;
  return { name: labels.join('.'), type: q.readUInt16BE(at), cls: q.readUInt16BE(at + 2), end: at + 4 };
}

function response(query: Buffer, question: Question | undefined, rcode: number, addresses: Uint8Array[]): Buffer {
  const end = question ? question.end : 12;
  const head = Buffer.from(query.subarray(0, end));
  if (head.length < 12) return Buffer.alloc(0);
  const rd = head[2]! & 1;
  head[2] = 0x80 | (head[2]! & 0x78) | rd; // QR, the opcode asked, RD copied
  head[3] = 0x80 | rcode; // RA
  head.writeUInt16BE(question ? 1 : 0, 4);
  head.writeUInt16BE(addresses.length, 6);
  head.writeUInt16BE(0, 8);
  head.writeUInt16BE(0, 10);
  const answers = addresses.map((ip) => {
    const rr = Buffer.alloc(12 + ip.length);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(ip.length === 4 ? TYPE_A : TYPE_AAAA, 2);
    rr.writeUInt16BE(CLASS_IN, 4);
    rr.writeUInt32BE(60, 6); // TTL
    rr.writeUInt16BE(ip.length, 10);
    rr.set(ip, 12);
    return rr;
  });
  return Buffer.concat([head, ...answers]);
}

function ipBytes(address: string): Uint8Array {
  if (address.includes(':')) return Uint8Array.from(expandIpv6(address).flatMap((g) => [g >> 8, g & 0xff]));
  return Uint8Array.from(address.split('.').map(Number));
}

// The answer to one DNS query (undefined: too short to answer at all).
export async function answerDnsQuery(query: Buffer): Promise<Buffer | undefined> {
  if (query.length < 12) return undefined;
  const q = readQuestion(query);
  if (!q) return response(query, undefined, RCODE_FORMAT, []);
  if (q.cls !== CLASS_IN || (q.type !== TYPE_A && q.type !== TYPE_AAAA)) return response(query, q, RCODE_NOTIMP, []);
  const family = q.type === TYPE_A ? 4 : 6;
  const name = q.name.toLowerCase().replace(/\.$/, '');
  if (name === HOST_GATEWAY_NAME) return response(query, q, RCODE_OK, family === 4 ? [ipBytes(HOST_GATEWAY)] : []);
  try {
    const found = await dns.promises.lookup(name, { family, all: true });
    // The host's own loopback is not the guest's: to the guest the host is the gateway.
    const seen = found.map((a) => (a.address.startsWith('127.') ? HOST_GATEWAY : a.address)).filter((a) => a !== '::1');
    return response(query, q, RCODE_OK, [...new Set(seen)].map(ipBytes));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTFOUND' && code !== 'ENODATA') return response(query, q, RCODE_SERVFAIL, []);
    // No address of this family: the name may still have the other (then the answer is
    // empty, NODATA; a resolver asking both takes NXDOMAIN for either as "no such name").
    const other = await dns.promises.lookup(name, { all: true }).catch(() => []);
    return response(query, q, other.length ? RCODE_OK : RCODE_NXDOMAIN, []);
  }
}
