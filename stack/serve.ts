// Runs the gateway and its services against a running cluster: `node stack/serve.ts`.
// `npm start` spawns it; it stops gracefully on SIGTERM/SIGINT.
import path from 'node:path';
import { startGateway } from './gateway.ts';
import { loadProjectConfig } from './config.ts';
import { instanceDir } from './paths.ts';

const config = loadProjectConfig();
const port = Number(process.env.COACHLINE_API_PORT ?? config.apiPort);
const dbPort = Number(process.env.COACHLINE_DB_PORT ?? config.dbPort);
const dataDir = process.env.COACHLINE_SERVICES_DIR ?? path.join(instanceDir('dev'), 'services');

const gateway = await startGateway({ port, dbPort, config, dataDir });
let closing = false;
const stop = async () => {
	if (closing) return;
	closing = true;
	await gateway.close();
	process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
