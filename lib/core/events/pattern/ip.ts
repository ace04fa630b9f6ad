/** IPv4 and IPv6 parsing for `cidr` patterns; an address becomes its bytes, compared under a mask. */

export function parseIp(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 16 : total > 14) return undefined;
  const bytes = new Uint8Array(16);
  bytes.set(head, 0);
  bytes.set(tail, 16 - tail.length);
  return bytes;
}

/** Colon-separated hex groups, the last of which may be a dotted IPv4 address; returns bytes. */
function groups(text: string): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const bytes: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return undefined;
      bytes.push(...v4);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
      const value = Number.parseInt(part, 16);
      bytes.push(value >> 8, value & 0xff);
    }
  }
  return bytes;
}

export interface Cidr {
  readonly network: Uint8Array;
  readonly maskBits: number;
}

/** event-ruler's rules: one '/', integer mask, IPv4 mask < 32 and IPv6 mask < 128. */
export function parseCidr(text: string): { ok: true; cidr: Cidr } | { ok: false; detail: string } {
  const slashed = text.split('/');
  if (slashed.length !== 2) return { ok: false, detail: "Malformed CIDR, one '/' required" };
  const [address = '', mask = ''] = slashed;
  if (!/^-?\d+$/.test(mask)) return { ok: false, detail: 'Malformed CIDR, mask bits must be an integer' };
  const maskBits = Number(mask);
  if (maskBits < 0) return { ok: false, detail: 'Malformed CIDR, mask bits must not be negative' };
  const network = parseIp(address);
  if (!network) return { ok: false, detail: `Malformed CIDR, invalid IP address: ${address}` };
  if (network.length === 4 && maskBits > 31) return { ok: false, detail: 'IPv4 mask bits must be < 32' };
  if (network.length === 16 && maskBits > 127) return { ok: false, detail: 'IPv6 mask bits must be < 128' };
  return { ok: true, cidr: { network, maskBits } };
}

export function inCidr(cidr: Cidr, address: string): boolean {
  const bytes = parseIp(address);
  if (!bytes || bytes.length !== cidr.network.length) return false;
  let bits = cidr.maskBits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((cidr.network[i] ?? 0) & mask)) return false;
  }
  return true;
}
