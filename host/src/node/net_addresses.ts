// Addresses between the guest's network and the host's (kernel/net/host_net.h): the guest
// is 10.0.2.15, the host's loopback is 10.0.2.2 to it, and 10.0.2.3 is its name server.
// The kernel passes an address as 16 bytes of IPv6 (IPv4-mapped for IPv4) and a u32 port.
import net from 'node:net';

export interface GuestAddress {
  ip: string; // dotted quad, or IPv6 text
  port: number;
}

export const GUEST = '10.0.2.15';
export const HOST_GATEWAY = '10.0.2.2';
export const NAME_SERVER = '10.0.2.3';
export const HOST_GATEWAY_NAME = 'host.wasmux.internal';

export function readAddress(mem: Uint8Array, at: number): GuestAddress {
  const ip = mem.subarray(at, at + 16);
  const port = new DataView(mem.buffer, mem.byteOffset + at + 16, 4).getUint32(0, true);
  const mapped = ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
  if (mapped) return { ip: `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`, port };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i]! << 8) | ip[i + 1]!).toString(16));
  return { ip: compressIpv6(groups), port };
}

export function writeAddress(mem: Uint8Array, at: number, a: GuestAddress): void {
  mem.fill(0, at, at + 16);
  if (net.isIPv4(a.ip)) {
    mem[at + 10] = mem[at + 11] = 0xff;
    a.ip.split('.').forEach((part, i) => (mem[at + 12 + i] = Number(part)));
  } else {
    expandIpv6(a.ip).forEach((g, i) => {
      mem[at + 2 * i] = g >> 8;
      mem[at + 2 * i + 1] = g & 0xff;
    });
  }
  new DataView(mem.buffer, mem.byteOffset + at + 16, 4).setUint32(0, a.port, true);
}

// Where on the host a guest's connection or datagram to `a` goes: the gateway is the
// host's own loopback; the name server takes only DNS (undefined: nothing to reach).
export function hostTarget(a: GuestAddress): { host: string; port: number } | undefined {
  if (a.ip === HOST_GATEWAY) return { host: '127.0.0.1', port: a.port };
  if (a.ip === NAME_SERVER) return undefined;
  return { host: a.ip.startsWith('::ffff:') ? a.ip.slice(7) : a.ip, port: a.port };
}

// How the guest sees a host address (a client of --publish, a datagram's sender): the
// host's loopback is the gateway.
export function fromNetAddress(hostIp: string, port: number): GuestAddress {
  const ip = hostIp.startsWith('::ffff:') ? hostIp.slice(7) : hostIp;
  if (ip === '::1' || ip.startsWith('127.')) return { ip: HOST_GATEWAY, port };
  return { ip, port };
}

// The eight 16-bit groups of an IPv6 address in text ("::" expanded).
export function expandIpv6(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (s: string | undefined) => (s ? s.split(':').filter((x) => x !== '').map((x) => parseInt(x, 16)) : []);
  const h = parse(head), t = parse(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

function compressIpv6(groups: string[]): string {
  // The longest run of zero groups becomes "::" (RFC 5952).
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
