// Fetches an image for Custom Vision's /url route without opening a server-side request forgery hole: http(s) only,
// the host must be on the allow list, and every address actually connected to is checked (DNS is resolved here and
// the socket goes to the checked address, so a name cannot re-resolve elsewhere between check and connect).
// Loopback, private, link-local and other non-public addresses are refused unless an allow entry covers the address
// itself. Redirects are followed by hand, each hop checked again; size, total time and hop count are bounded.
// Runtime stage (scoring).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { HttpError } from './api.js';

export interface UrlFetchConfig {
  /** Host names (exact, or '*.example.com' for subdomains), IP addresses or CIDR ranges. */
  allow: string[];
  maxBytes: number;
  /** For the whole fetch, redirects included. */
  timeoutMs: number;
  maxRedirects: number;
}

/** Resolves a host name to all its addresses (dns.lookup with all: true); injectable for tests. */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

const defaultResolve: ResolveAll = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** Address ranges that are not the public internet (IANA special-purpose registries, RFC 6890 and successors). */
const NON_PUBLIC: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata endpoints
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'], // multicast, reserved, broadcast
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'], // NAT64 can reach private IPv4
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

const nonPublic = new BlockList();
for (const [net, prefix, type] of NON_PUBLIC) nonPublic.addSubnet(net, prefix, type);

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is checked as the IPv4 address it is. */
function normalizeAddress(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export const isPublicAddress = (address: string): boolean => {
  const a = normalizeAddress(address);
  return !nonPublic.check(a.address, a.type);
};

interface AllowList {
  names: string[];
  suffixes: string[];
  addresses: BlockList;
}

const CIDR = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/;

/** Checks one allow entry; returns a reason when it is not a host name, address or CIDR range. */
export function allowEntryProblem(entry: string): string | undefined {
  const cidr = CIDR.exec(entry);
  if (cidr) {
    const type = isIP(cidr[1]!);
    if (!type) return `'${entry}' is not a CIDR range (bad address)`;
    if (Number(cidr[2]) > (type === 4 ? 32 : 128)) return `'${entry}' has a prefix longer than the address`;
    return undefined;
  }
  if (isIP(entry)) return undefined;
  if (/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(entry)) return undefined;
  return `'${entry}' is not a host name, IP address or CIDR range`;
}

function parseAllowList(entries: readonly string[]): AllowList {
  const list: AllowList = { names: [], suffixes: [], addresses: new BlockList() };
  for (const entry of entries) {
    const cidr = CIDR.exec(entry);
    if (cidr && isIP(cidr[1]!)) {
      const a = normalizeAddress(cidr[1]!);
      list.addresses.addSubnet(
        a.address,
        a.type === 'ipv4' && isIP(cidr[1]!) === 6 ? Math.max(0, Number(cidr[2]) - 96) : Number(cidr[2]),
        a.type,
      );
    } else if (isIP(entry)) {
      const a = normalizeAddress(entry);
      list.addresses.addAddress(a.address, a.type);
    } else if (entry.startsWith('*.')) list.suffixes.push(entry.slice(1).toLowerCase());
    else list.names.push(entry.toLowerCase());
  }
  return list;
}

const addressListed = (list: AllowList, address: string): boolean => {
  const a = normalizeAddress(address);
  return list.addresses.check(a.address, a.type);
};

/** Whether the URL's host itself is allowed: a listed name, or an IP literal inside a listed address or range. */
function hostListed(list: AllowList, host: string): boolean {
  if (isIP(host)) return addressListed(list, host);
  const name = host.toLowerCase().replace(/\.$/, '');
  return list.names.includes(name) || list.suffixes.some((s) => name.endsWith(s));
}

/** The address to connect to: the first the name resolves to that is public, or non-public and listed. */
function pickAddress(list: AllowList, host: string, addresses: readonly LookupAddress[]): LookupAddress {
  if (addresses.length === 0) throw new HttpError(502, `'${host}' resolves to no address.`, 'bad-gateway');
  const usable = addresses.find((a) => isPublicAddress(a.address) || addressListed(list, a.address));
  if (!usable) {
    throw new HttpError(
      403,
      `'${host}' resolves to ${addresses[0]!.address}, a loopback, private or link-local address that the allow list does not name.`,
      'forbidden',
    );
  }
  return usable;
}

export interface UrlFetcher {
  fetch(url: string): Promise<Buffer>;
}

export function createUrlFetcher(config: UrlFetchConfig, resolveAll: ResolveAll = defaultResolve): UrlFetcher {
  const list = parseAllowList(config.allow);

  /** Checks a URL before each hop: scheme, no credentials, listed host, and a literal address's range. */
  const checkUrl = (raw: string, base?: URL): URL => {
    let url: URL;
    try {
      url = new URL(raw, base);
    } catch {
      throw new HttpError(400, `'${raw.slice(0, 200)}' is not a URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new HttpError(400, `Only http and https URLs are fetched, not ${url.protocol.replace(/:$/, '')}.`);
    if (url.username || url.password) throw new HttpError(400, 'URLs with credentials are not fetched.');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!hostListed(list, host)) throw new HttpError(403, `Host '${host}' is not on the scoring module's URL allow list.`, 'forbidden');
    if (isIP(host) && !isPublicAddress(host) && !addressListed(list, host)) {
      throw new HttpError(403, `${host} is a loopback, private or link-local address that the allow list does not name.`, 'forbidden');
    }
    return url;
  };

  /** Resolves the name itself and hands the connection only the checked address. */
  const checkedLookup: LookupFunction = (hostname, options, callback) => {
    resolveAll(hostname).then(
      (addresses) => {
        let chosen: LookupAddress;
        try {
          chosen = pickAddress(list, hostname, addresses);
        } catch (error) {
          return callback(error as NodeJS.ErrnoException, '', 0);
        }
        // cast: LookupFunction types only the one-address callback; with options.all Node passes a list (dns.lookup's documented overload).
        if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [chosen]);
        else callback(null, chosen.address, chosen.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };

  const hop = (url: URL, signal: AbortSignal): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const options: RequestOptions = {
        method: 'GET',
        signal,
        lookup: checkedLookup,
        headers: { accept: 'image/*', 'user-agent': 'edgeml-scoring' },
        agent: false,
      };
      const req = send(url, options, resolve);
      req.on('error', reject);
      req.end();
    });

  const readCapped = (res: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > config.maxBytes) {
        res.destroy();
        return reject(tooLarge(config.maxBytes));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > config.maxBytes) {
          res.destroy();
          return reject(tooLarge(config.maxBytes));
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks, size)));
      res.on('error', reject);
      res.on('close', () => (res.complete ? undefined : reject(new Error('the connection closed early'))));
    });

  return {
    async fetch(raw) {
      const signal = AbortSignal.timeout(config.timeoutMs);
      let url = checkUrl(raw);
      try {
        for (let redirects = 0; ; redirects++) {
          const res = await hop(url, signal);
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400 && res.headers.location) {
            res.resume();
            if (redirects >= config.maxRedirects)
              throw new HttpError(502, `The image URL redirects more than ${config.maxRedirects} time(s).`, 'bad-gateway');
            url = checkUrl(res.headers.location, url);
            continue;
          }
          if (status < 200 || status > 299) {
            res.resume();
            throw new HttpError(502, `The image URL answered HTTP ${status}.`, 'bad-gateway');
          }
          return await readCapped(res);
        }
      } catch (error) {
        if (error instanceof HttpError) throw error;
        if (signal.aborted) throw new HttpError(504, `The image URL did not answer within ${config.timeoutMs} ms.`, 'gateway-timeout');
        throw new HttpError(502, `The image URL could not be fetched: ${(error as Error).message}.`, 'bad-gateway');
      }
    },
  };
}

const tooLarge = (limit: number): HttpError =>
  new HttpError(413, `The image at the URL is larger than the ${limit}-byte limit.`, 'too-large');
