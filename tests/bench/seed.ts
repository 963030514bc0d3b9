// `npm run bench -- seed [--athletes 2000] [--days 180] [--db <url>]`: fills one large
// organization with the shared generator and reports how long it took and what it wrote. Without
// --db it boots a throwaway cluster (platform, migrations, seed.sql) on a free port and removes
// it afterwards; with --db it writes into that database and leaves the data there.
import { rmSync } from 'node:fs';
import postgres from 'postgres';
import { Cluster, findFreePort } from '../../stack/postgres.ts';
import { prepareDatabase } from '../../stack/instance.ts';
import { generateOrganization } from './_generate.ts';

export function option(args: string[], name: string): string | undefined {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : undefined;
}

export async function throwawayCluster(): Promise<{ url: string; stop: () => void }> {
	const port = await findFreePort(56000 + Math.floor(Math.random() * 400));
	const cluster = new Cluster({
		name: `bench-${process.pid}-${Date.now().toString(36)}`,
		port,
		durable: false
	});
	await prepareDatabase(cluster, () => {});
	return {
		url: cluster.url,
		stop: () => {
			cluster.destroy();
			rmSync(cluster.dir, { recursive: true, force: true });
		}
	};
}

export default async function seed(args: string[]): Promise<void> {
	const athletes = Number(option(args, 'athletes') ?? 2000);
	const days = Number(option(args, 'days') ?? 180);
	let url = option(args, 'db');
	let stop = () => {};
	if (!url) {
		console.log('Booting a throwaway cluster (platform, migrations, seed.sql)…');
		const t = performance.now();
		const c = await throwawayCluster();
		url = c.url;
		stop = c.stop;
		console.log(`  ready in ${((performance.now() - t) / 1000).toFixed(1)} s`);
	}
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	try {
		console.log(`Generating an organization of ${athletes} athletes × ${days} days…`);
		const org = await generateOrganization(sql, { athletes, days, log: console.log });
		console.log(`\nGenerated ${org.slug} (${org.organizationId}) in ${org.seconds.toFixed(1)} s`);
		console.table(org.counts);
	} finally {
		await sql.end();
		stop();
	}
}
