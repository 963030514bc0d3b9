// A local push service that acts as a real push endpoint: HTTPS, and it decrypts every RFC 8291
// aes128gcm payload with the subscription's private key (http_ece, the library web-push itself
// uses) so tests check what a browser would receive.
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import ece from 'http_ece';

export interface Subscription {
	id: string;
	endpoint: string;
	p256dh: string;
	auth: string;
}

export interface Received {
	subscriptionId: string;
	headers: Record<string, string | string[] | undefined>;
	message: Record<string, unknown>;
	at: number;
}

/** How an endpoint answers: a status per request in order; the last one repeats. */
export type Script = Array<{ status: number; headers?: Record<string, string> }>;

export class PushService {
	readonly received: Received[] = [];
	readonly agent: https.Agent;
	private readonly keys = new Map<string, { ecdh: ECDH; auth: Buffer }>();
	private readonly scripts = new Map<string, Script>();
	private readonly hits = new Map<string, number>();
	private server!: https.Server;
	private port = 0;
	private readonly dir: string;
	private readonly cert: Buffer;
	private readonly key: Buffer;
	private waiters: Array<() => void> = [];

	constructor() {
		this.dir = mkdtempSync(path.join(os.tmpdir(), 'push-service-'));
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-subj',
				'/CN=127.0.0.1',
				'-addext',
				'subjectAltName=IP:127.0.0.1',
				'-days',
				'1',
				'-keyout',
				path.join(this.dir, 'key.pem'),
				'-out',
				path.join(this.dir, 'cert.pem')
			],
			{ stdio: 'ignore' }
		);
		this.cert = readFileSync(path.join(this.dir, 'cert.pem'));
		this.key = readFileSync(path.join(this.dir, 'key.pem'));
		this.agent = new https.Agent({ ca: this.cert, keepAlive: true, maxSockets: 64 });
	}

	async start(): Promise<void> {
		this.server = https.createServer({ cert: this.cert, key: this.key }, (req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const id = (req.url ?? '').split('/').pop() ?? '';
				const n = this.hits.get(id) ?? 0;
				this.hits.set(id, n + 1);
				const script = this.scripts.get(id) ?? [{ status: 201 }];
				const answer = script[Math.min(n, script.length - 1)];
				const k = this.keys.get(id);
				if (answer.status === 201 && k) {
					const plain = ece.decrypt(Buffer.concat(chunks), {
						version: 'aes128gcm',
						privateKey: k.ecdh,
						authSecret: k.auth.toString('base64url')
					});
					this.received.push({
						subscriptionId: id,
						headers: req.headers,
						message: JSON.parse(plain.toString('utf8')) as Record<string, unknown>,
						at: Date.now()
					});
					for (const w of this.waiters.splice(0)) w();
				}
				res.writeHead(answer.status, answer.headers ?? {}).end();
			});
		});
		await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
		this.port = (this.server.address() as { port: number }).port;
	}

	/** A browser subscription: fresh P-256 keys and auth secret, an endpoint on this service. */
	subscribe(script?: Script): Subscription {
		const id = randomBytes(12).toString('hex');
		const ecdh = createECDH('prime256v1');
		ecdh.generateKeys();
		const auth = randomBytes(16);
		this.keys.set(id, { ecdh, auth });
		if (script) this.scripts.set(id, script);
		return {
			id,
			endpoint: `https://127.0.0.1:${this.port}/push/${id}`,
			p256dh: ecdh.getPublicKey().toString('base64url'),
			auth: auth.toString('base64url')
		};
	}

	/** The self-signed certificate, for a client in another process to trust. */
	get certificate(): string {
		return this.cert.toString('utf8');
	}

	hitsFor(id: string): number {
		return this.hits.get(id) ?? 0;
	}

	/** Resolves once `n` pushes have been received (or rejects after `ms`). */
	async waitFor(n: number, ms = 10_000): Promise<void> {
		const deadline = Date.now() + ms;
		while (this.received.length < n) {
			if (Date.now() > deadline)
				throw new Error(`expected ${n} pushes, got ${this.received.length}`);
			await new Promise<void>((r) => {
				this.waiters.push(r);
				setTimeout(r, 50);
			});
		}
	}

	async stop(): Promise<void> {
		this.agent.destroy();
		await new Promise<void>((r) => this.server.close(() => r()));
		rmSync(this.dir, { recursive: true, force: true });
	}
}
