// Where the push worker may connect. The database accepts only endpoints on browser push
// services, but a name can still resolve anywhere (a compromised or rebinding DNS answer), so at
// send time the worker resolves the host itself and refuses loopback, private, link-local,
// carrier-grade NAT, unique-local, multicast and reserved addresses, and it connects only to the
// address it checked. A local test push service is reachable only through an explicit list of
// test hosts, which the worker refuses under NODE_ENV=production.
import dns from 'node:dns';
import https from 'node:https';
import net from 'node:net';

// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules in their mapped form, so
// one list holding ::ffff:0:0/96 would block every IPv4 address.
const blocked4 = new net.BlockList();
const blocked6 = new net.BlockList();
for (const [prefix, bits] of [
	['0.0.0.0', 8], // "this network"
	['10.0.0.0', 8], // private
	['100.64.0.0', 10], // carrier-grade NAT
	['127.0.0.0', 8], // loopback
	['169.254.0.0', 16], // link-local (cloud metadata services live here)
	['172.16.0.0', 12], // private
	['192.0.0.0', 24], // IETF protocol assignments
	['192.0.2.0', 24], // documentation
	['192.88.99.0', 24], // 6to4 relay anycast
	['192.168.0.0', 16], // private
	['198.18.0.0', 15], // benchmarking
	['198.51.100.0', 24], // documentation
	['203.0.113.0', 24], // documentation
	['224.0.0.0', 4], // multicast
	['240.0.0.0', 4] // reserved, broadcast
] as const) {
	blocked4.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
	['::', 128], // unspecified
	['::1', 128], // loopback
	['::ffff:0:0', 96], // IPv4-mapped: would reach the IPv4 ranges above
	['64:ff9b::', 96], // NAT64
	['64:ff9b:1::', 48], // local NAT64
	['100::', 64], // discard
	['2001::', 23], // IETF special purpose (Teredo, ORCHID…)
	['2001:db8::', 32], // documentation
	['2002::', 16], // 6to4: embeds any IPv4 address
	['fc00::', 7], // unique local
	['fe80::', 10], // link-local
	['fec0::', 10], // old site-local
	['ff00::', 8] // multicast
] as const) {
	blocked6.addSubnet(prefix, bits, 'ipv6');
}

/** Whether an IP address is one a push service on the public internet could have. */
export function isPublicAddress(address: string): boolean {
	const family = net.isIP(address);
	if (family === 0) return false;
	return family === 4 ? !blocked4.check(address, 'ipv4') : !blocked6.check(address, 'ipv6');
}

export class EndpointRefused extends Error {}

/** Lowercased host of an https endpoint (IPv6 brackets removed); refuses anything but https. */
export function endpointHost(endpoint: string): string {
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		throw new EndpointRefused('endpoint is not a URL');
	}
	if (url.protocol !== 'https:') throw new EndpointRefused('endpoint is not https');
	if (url.username || url.password) throw new EndpointRefused('endpoint carries credentials');
	return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

type LookupCallback = (
	err: NodeJS.ErrnoException | null,
	address: string | dns.LookupAddress[],
	family?: number
) => void;

/**
 * A dns.lookup that fails for non-public addresses: given to the agent, so the address checked
 * is the address connected to (no second resolution a rebinding DNS server could change).
 */
export function guardedLookup(
	hostname: string,
	options: dns.LookupOptions,
	callback: LookupCallback
): void {
	dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
		if (err) return callback(err, []);
		const list = addresses as dns.LookupAddress[];
		const bad = list.find((a) => !isPublicAddress(a.address));
		if (bad || list.length === 0) {
			const e = new EndpointRefused(
				`${hostname} resolves to ${bad?.address ?? 'nothing'}, which is not a public address`
			) as NodeJS.ErrnoException;
			e.code = 'EADDRNOTPUBLIC';
			return callback(e, []);
		}
		if (options.all) return callback(null, list);
		callback(null, list[0].address, list[0].family);
	});
}

/**
 * Checks an endpoint before sending: https, and its host (an IP literal or every address its
 * name resolves to) public, unless the host is one of `testHosts`.
 */
export async function checkEndpoint(endpoint: string, testHosts: ReadonlySet<string>) {
	const host = endpointHost(endpoint);
	if (testHosts.has(host)) return;
	if (net.isIP(host)) {
		if (!isPublicAddress(host)) throw new EndpointRefused(`${host} is not a public address`);
		return;
	}
	const addresses = await dns.promises.lookup(host, { all: true });
	const bad = addresses.find((a) => !isPublicAddress(a.address));
	if (bad) throw new EndpointRefused(`${host} resolves to ${bad.address}, not a public address`);
}

/** The agent for real push services: keep-alive, and every connection through guardedLookup. */
export function guardedAgent(): https.Agent {
	return new https.Agent({ keepAlive: true, lookup: guardedLookup as never });
}

/**
 * Test push-service hosts from PUSH_TEST_ENDPOINT_HOSTS (comma-separated); refused under
 * NODE_ENV=production, where the worker must only ever reach real push services.
 */
export function testHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
	const hosts = (env.PUSH_TEST_ENDPOINT_HOSTS ?? '')
		.split(',')
		.map((h) => h.trim().toLowerCase())
		.filter(Boolean);
	if (hosts.length > 0 && env.NODE_ENV === 'production') {
		throw new Error('PUSH_TEST_ENDPOINT_HOSTS must not be set in production');
	}
	return hosts;
}
