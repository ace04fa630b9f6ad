/**
 * IP addresses read as event-ruler reads them (CIDR.ipToBytes): text that Constants.IPv4_REGEX or
 * IPv6_REGEX matches, parsed by Java's InetAddress.getByName; an address becomes its bytes, compared
 * under a mask. IPv6 text has no dotted tail (the regex has no dots), and an IPv4-mapped IPv6 address
 * is its IPv4 address, as Java's IPAddressUtil.convertFromIPv4MappedAddress makes it.
 */
export function parseIp(text: string): Uint8Array | undefined {
  if (IPV4.test(text)) return parseIpv4(text);
  if (IPV6.test(text)) return parseIpv6(text);
  return undefined;
}

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/**
 * Java's IPAddressUtil.textToNumericFormatV4: decimal parts of any length (leading zeros are not
 * octal: the InetAddress javadoc reads "007.008.009.010" as 7.8.9.10), each at most 255, and at most
 * 15 characters in all; longer text goes to a DNS lookup, which finds no address.
 */
function parseIpv4(text: string): Uint8Array | undefined {
  if (text.length > 15) return undefined;
  const bytes = new Uint8Array(4);
  for (const [i, part] of text.split('.').entries()) {
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

/**
 * Java's IPAddressUtil.textToNumericFormatV6: groups of hex digits worth at most 0xffff (so leading
 * zeros past four digits pass), one `::` standing for at least one zero group, no lone leading or
 * trailing colon.
 */
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
  const mapped =
    bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** Colon-separated hex groups as bytes. */
function groups(text: string): number[] | undefined {
  if (text === '') return [];
  const bytes: number[] = [];
  for (const part of text.split(':')) {
    if (!/^[0-9a-fA-F]+$/.test(part)) return undefined;
    const value = Number.parseInt(part, 16);
    if (value > 0xffff) return undefined;
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}

/** Whether two strings are one IP address (see `parseIp`), `address` given as its bytes. */
export function sameIp(address: Uint8Array, text: string): boolean {
  const bytes = parseIp(text);
  return (
    bytes !== undefined && bytes.length === address.length && bytes.every((byte, i) => byte === address[i])
  );
}

export interface Cidr {
  readonly network: Uint8Array;
  readonly maskBits: number;
}

/**
 * event-ruler's CIDR.cidr: one '/', a mask Integer.parseInt reads (a sign allowed, within an int),
 * IPv4 mask < 32 and IPv6 mask < 128, the address's length decided after an IPv4-mapped one is IPv4.
 */
export function parseCidr(text: string): { ok: true; cidr: Cidr } | { ok: false; detail: string } {
  const slashed = text.split('/');
  if (slashed.length !== 2) return { ok: false, detail: "Malformed CIDR, one '/' required" };
  const [address = '', mask = ''] = slashed;
  const maskBits = Number(mask);
  if (!/^[+-]?[0-9]+$/.test(mask) || maskBits < -(2 ** 31) || maskBits >= 2 ** 31)
    return { ok: false, detail: 'Malformed CIDR, mask bits must be an integer' };
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
