// A throwaway stack for tests: its own cluster (no fsync), its own ports and directory, torn down
// at the end. It never touches the dev instance that `npm start` uses.
import path from 'node:path';
import { rmSync } from 'node:fs';
import { Cluster, findFreePort } from './postgres.ts';
import { prepareDatabase } from './instance.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { loadProjectConfig } from './config.ts';
import { startMailCatcher, type MailCatcher } from './mail/catcher.ts';

/** The loopback address a test stack treats as a configured rateLimitExemptIps address. */
export const TEST_EXEMPT_IP = '127.1.1.1';

export interface TestStack {
	name: string;
	dbUrl: string;
	dbPort: number;
	apiUrl: string;
	apiPort: number;
	/** The mail catcher every email of this stack lands in (web page and /api/v1). */
	mailUrl: string;
	mail: MailCatcher;
	dataDir: string;
	cluster: Cluster;
	gateway: Gateway;
	stop(): Promise<void>;
}

export async function bootTestStack(opts: { log?: (s: string) => void } = {}): Promise<TestStack> {
	const name = `test-${process.pid}-${Date.now().toString(36)}`;
	const dbPort = await findFreePort(55400 + Math.floor(Math.random() * 400));
	const cluster = new Cluster({ name, port: dbPort, durable: false });
	await prepareDatabase(cluster, opts.log ?? (() => {}));
	const apiPort = await findFreePort(dbPort + 1);
	const dataDir = path.join(cluster.dir, 'services');
	const config = loadProjectConfig();
	// Every test process signs its many users in from 127.0.0.1, the same demo accounts hundreds
	// of times in five minutes (the browser tests through the app server): no auth bucket counts
	// that address here. Tests of the limits talk from other loopback addresses, counted as any
	// client is, and from TEST_EXEMPT_IP, which skips the per-IP buckets as a configured
	// rateLimitExemptIps address does, so the per-IP+email bucket alone limits it.
	config.auth.rateLimitOffIps = ['127.0.0.1', '::ffff:127.0.0.1', '::1'];
	config.auth.rateLimitExemptIps = [TEST_EXEMPT_IP, `::ffff:${TEST_EXEMPT_IP}`];
	let gateway: Gateway;
	const mail = await startMailCatcher();
	try {
		gateway = await startGateway({
			mailSmtp: { host: '127.0.0.1', port: mail.smtpPort },
			port: apiPort,
			dbPort,
			config,
			dataDir,
			quiet: process.env.COACHLINE_LOG !== '1'
		});
	} catch (e) {
		await mail.close();
		cluster.destroy();
		throw e;
	}
	return {
		name,
		dbUrl: cluster.url,
		dbPort,
		apiUrl: gateway.url,
		apiPort,
		mailUrl: mail.url,
		mail,
		dataDir,
		cluster,
		gateway,
		async stop() {
			await gateway.close().catch(() => {});
			await mail.close().catch(() => {});
			cluster.destroy();
			rmSync(cluster.dir, { recursive: true, force: true });
		}
	};
}
