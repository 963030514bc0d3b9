import { describe, expect, it } from 'vitest';
import {
	checkEndpoint,
	EndpointRefused,
	guardedLookup,
	isPublicAddress,
	testHostsFromEnv
} from './endpoint-guard.ts';

describe('isPublicAddress', () => {
	it('refuses loopback, private, link-local, CGNAT, unique-local and reserved addresses', () => {
		for (const a of [
			'127.0.0.1',
			'127.8.9.10',
			'10.1.2.3',
			'172.16.0.1',
			'172.31.255.255',
			'192.168.1.1',
			'169.254.169.254',
			'100.64.0.1',
			'100.127.255.254',
			'0.0.0.0',
			'224.0.0.1',
			'255.255.255.255',
			'::1',
			'::',
			'::ffff:127.0.0.1',
			'::ffff:10.0.0.1',
			'fc00::1',
			'fd12:3456::1',
			'fe80::1',
			'ff02::1',
			'2002:7f00:1::1',
			'64:ff9b::7f00:1',
			'not-an-ip'
		]) {
			expect(isPublicAddress(a), a).toBe(false);
		}
	});

	it('accepts ordinary public addresses', () => {
		for (const a of [
			'142.250.74.106',
			'8.8.8.8',
			'172.32.0.1',
			'100.128.0.1',
			'2607:f8b0:4004:c07::5f'
		]) {
			expect(isPublicAddress(a), a).toBe(true);
		}
	});
});

describe('checkEndpoint', () => {
	it('refuses non-https and private IP literals, lets listed test hosts through', async () => {
		await expect(checkEndpoint('http://8.8.8.8/x', new Set())).rejects.toThrow(EndpointRefused);
		await expect(checkEndpoint('https://127.0.0.1:9/x', new Set())).rejects.toThrow(
			/not a public address/
		);
		await expect(checkEndpoint('https://[fd00::1]/x', new Set())).rejects.toThrow(
			/not a public address/
		);
		await expect(checkEndpoint('https://localhost/x', new Set())).rejects.toThrow(
			/localhost resolves to/
		);
		await expect(checkEndpoint('https://127.0.0.1:9/x', new Set(['127.0.0.1']))).resolves.toBe(
			undefined
		);
		await expect(checkEndpoint('https://8.8.8.8/x', new Set())).resolves.toBe(undefined);
	});
});

describe('testHostsFromEnv', () => {
	it('reads the list, and refuses it in production', () => {
		expect(testHostsFromEnv({ PUSH_TEST_ENDPOINT_HOSTS: '127.0.0.1, Localhost' })).toEqual([
			'127.0.0.1',
			'localhost'
		]);
		expect(() =>
			testHostsFromEnv({ PUSH_TEST_ENDPOINT_HOSTS: '127.0.0.1', NODE_ENV: 'production' })
		).toThrow(/must not be set in production/);
		expect(testHostsFromEnv({ NODE_ENV: 'production' })).toEqual([]);
	});
});

describe('guardedLookup', () => {
	it('fails the connection-time lookup of a name that resolves to loopback', async () => {
		const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
			guardedLookup('localhost', { all: true }, (e) => resolve(e))
		);
		expect(err?.code).toBe('EADDRNOTPUBLIC');
		expect(err?.message).toMatch(/localhost resolves to/);
	});

	it('hands a public literal address through in both callback shapes', async () => {
		const one = await new Promise<unknown[]>((resolve) =>
			guardedLookup('8.8.8.8', {}, (e, address, family) => resolve([e, address, family]))
		);
		expect(one).toEqual([null, '8.8.8.8', 4]);
		const all = await new Promise<unknown[]>((resolve) =>
			guardedLookup('8.8.8.8', { all: true }, (e, address) => resolve([e, address]))
		);
		expect(all).toEqual([null, [{ address: '8.8.8.8', family: 4 }]]);
	});
});
