// VAPID keys identify our server to the push services. Production supplies its own through the
// environment (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT); locally the first start
// generates a pair into the gitignored .env, where the app reads the public half as
// PUBLIC_VAPID_PUBLIC_KEY.
import { existsSync, readFileSync, appendFileSync } from 'node:fs';
import webpush from 'web-push';

export interface VapidKeys {
	publicKey: string;
	privateKey: string;
	subject: string;
}

function readEnvFile(file: string): Record<string, string> {
	if (!existsSync(file)) return {};
	const out: Record<string, string> = {};
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		const m = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/);
		if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
	}
	return out;
}

export function loadVapidKeys(envFile = '.env', create = false): VapidKeys {
	const file = readEnvFile(envFile);
	const publicKey = process.env.VAPID_PUBLIC_KEY ?? file.PUBLIC_VAPID_PUBLIC_KEY;
	const privateKey = process.env.VAPID_PRIVATE_KEY ?? file.VAPID_PRIVATE_KEY;
	const subject = process.env.VAPID_SUBJECT ?? file.VAPID_SUBJECT ?? 'mailto:push@coachline.local';
	if (publicKey && privateKey) return { publicKey, privateKey, subject };
	if (!create) {
		throw new Error(
			`No VAPID keys: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or run \`npm run worker:push -- keys\` to create them in ${envFile}.`
		);
	}
	const keys = webpush.generateVAPIDKeys();
	appendFileSync(
		envFile,
		`\n# Web push (VAPID) keys generated on first start; production sets its own.\nPUBLIC_VAPID_PUBLIC_KEY=${keys.publicKey}\nVAPID_PRIVATE_KEY=${keys.privateKey}\nVAPID_SUBJECT=${subject}\n`
	);
	return { ...keys, subject };
}
