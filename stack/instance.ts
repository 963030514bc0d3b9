// One stack instance: a cluster brought up to date with platform, migrations and seed.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Cluster, ensurePostgresPackages } from './postgres.ts';
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
 * Starts the cluster, creating it (platform + migrations + seed) when it does not exist, and
 * applies pending migrations when it does.
 */
export async function prepareDatabase(
	cluster: Cluster,
	log: (s: string) => void = console.log
): Promise<PrepareResult> {
	ensurePostgresPackages(log);
	const markerFile = path.join(cluster.dir, 'platform.sha256');
	let created = false;
	if (!cluster.initialized) {
		mkdirSync(cluster.dir, { recursive: true });
		log(`Creating PostgreSQL 15 cluster in ${cluster.dataDir}`);
		cluster.init();
		created = true;
	}
	await cluster.start();
	const hash = platformHash();
	if (!created) {
		log('Applying pending migrations');
		migrateUp(cluster.url);
		const platformChanged = existsSync(markerFile) && readFileSync(markerFile, 'utf8') !== hash;
		return { created, platformChanged };
	}
	try {
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
		// A cluster that never finished its first boot is worth nothing: remove it so the next
		// start builds it again from scratch once the fault is fixed.
		cluster.destroy();
		throw e;
	}
	writeFileSync(markerFile, hash);
	return { created, platformChanged: false };
}
