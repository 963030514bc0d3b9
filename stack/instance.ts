// One stack instance: a cluster brought up to date with platform, migrations and seed.
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
	Cluster,
	StackError,
	assertPortFree,
	ensurePostgresPackages,
	processAlive,
	psql
} from './postgres.ts';
import { applyPlatform, migrateUp, seed } from './migrate.ts';
import { repoRoot } from './paths.ts';

export interface PrepareResult {
	created: boolean;
	platformChanged: boolean;
}

function platformHash(): string {
	const dir = path.join(repoRoot, 'stack', 'platform');
	const h = createHash('sha256');
	for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(path.join(dir, f)));
	return h.digest('hex');
}

/**
 * The file that says a cluster finished its first boot (platform, migrations and seed all
 * applied). It is written last, so a cluster without it was left half-built by a first start that
 * failed or was interrupted at any step (port taken, Ctrl-C, disk full): such a cluster is rebuilt.
 */
export function completeMarker(cluster: Cluster): string {
	return path.join(cluster.dir, 'platform.sha256');
}

/**
 * Starts the cluster, creating it (platform + migrations + seed) when it does not exist or never
 * finished its first boot, and applies pending migrations when it does.
 */
export async function prepareDatabase(
	cluster: Cluster,
	log: (s: string) => void = console.log
): Promise<PrepareResult> {
	ensurePostgresPackages(log);
	const markerFile = completeMarker(cluster);
	const buildingFile = path.join(cluster.dir, 'building.pid');
	if (existsSync(buildingFile)) {
		const pid = Number(readFileSync(buildingFile, 'utf8'));
		if (pid !== process.pid && processAlive(pid)) {
			throw new StackError(
				`Another start (pid ${pid}) is building this cluster in ${cluster.dir}; wait for it to finish.`
			);
		}
	}
	if (existsSync(cluster.dir) && !existsSync(markerFile)) {
		log(`An earlier first start of ${cluster.dir} did not finish: rebuilding it`);
		cluster.destroy();
	}
	if (existsSync(markerFile)) {
		await cluster.start();
		repairCronJobs(cluster);
		log('Applying pending migrations');
		migrateUp(cluster.url);
		return { created: false, platformChanged: readFileSync(markerFile, 'utf8') !== platformHash() };
	}
	// Refuse a taken port before initdb, rather than build a cluster only to throw it away.
	await assertPortFree(cluster.config.port, 'PostgreSQL');
	mkdirSync(cluster.dir, { recursive: true });
	writeFileSync(buildingFile, String(process.pid));
	try {
		log(`Creating PostgreSQL 15 cluster in ${cluster.dataDir}`);
		cluster.init();
		await cluster.start();
		log('Applying the platform (roles, auth, storage, realtime schemas)');
		applyPlatform(cluster.url);
		// COACHLINE_NO_MIGRATIONS=1 boots the bare platform: for work on stack/ services whose
		// tests bring their own tables.
		if (process.env.COACHLINE_NO_MIGRATIONS !== '1') {
			log('Applying migrations');
			migrateUp(cluster.url);
			log('Loading supabase/seed.sql');
			seed(cluster.url);
		}
	} catch (e) {
		// Worth nothing half-built: remove it now (the marker check above catches the cases where
		// this process never gets here: killed, interrupted, machine off).
		cluster.destroy();
		throw e;
	}
	writeFileSync(markerFile, platformHash());
	rmSync(buildingFile, { force: true });
	return { created: true, platformChanged: false };
}

/**
 * pg_cron stores the host and port a job connects to in the job's row when it is scheduled. A
 * cluster scheduled its jobs with an older cron.host (localhost, which needs a password here), or
 * may now run on another port (COACHLINE_DB_PORT): point every job at this cluster's socket.
 */
function repairCronJobs(cluster: Cluster): void {
	const r = psql(cluster.url, [
		'-c',
		`do $$ begin
			if to_regclass('cron.job') is not null then
				update cron.job set nodename = current_setting('cron.host'), nodeport = current_setting('port')::int
				where nodename is distinct from current_setting('cron.host')
					or nodeport is distinct from current_setting('port')::int;
			end if;
		end $$`
	]);
	if (!r.ok) throw new StackError(`Could not point pg_cron's jobs at this cluster:\n${r.err}`);
}
