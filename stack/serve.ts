// Runs the gateway and its services against a running cluster: `node stack/serve.ts`.
// `npm start` spawns it; it stops gracefully on SIGTERM/SIGINT.
import path from 'node:path';
import { startGateway } from './gateway.ts';
import { loadProjectConfig } from './config.ts';
import { instanceDir } from './paths.ts';
import { startMailCatcher } from './mail/catcher.ts';

const config = loadProjectConfig();
const port = Number(process.env.COACHLINE_API_PORT ?? config.apiPort);
const dbPort = Number(process.env.COACHLINE_DB_PORT ?? config.dbPort);
const dataDir = process.env.COACHLINE_SERVICES_DIR ?? path.join(instanceDir('dev'), 'services');

// Locally, auth's mail goes to the catcher (as the CLI runs Mailpit), unless config.toml names a
// real SMTP server in [auth.email.smtp].
const catcher =
	config.localSmtp.enabled && !config.auth.smtp
		? await startMailCatcher({
				httpPort: Number(process.env.COACHLINE_MAIL_PORT ?? config.localSmtp.port),
				smtpPort: Number(process.env.COACHLINE_SMTP_PORT ?? config.localSmtp.smtpPort)
			})
		: null;
const gateway = await startGateway({
	port,
	dbPort,
	config,
	dataDir,
	mailSmtp: catcher ? { host: '127.0.0.1', port: catcher.smtpPort } : null
});
let closing = false;
const stop = async () => {
	if (closing) return;
	closing = true;
	await gateway.close();
	await catcher?.close();
	process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
