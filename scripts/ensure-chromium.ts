// Browser tests drive Debian's Chromium through playwright-core; a browser is never downloaded
// from anywhere else. The package comes from stack/system-packages.json's browser group: installed
// with apt-get when we are root, otherwise the error says exactly what to run.
import { ensureSystemPackages, systemPackages } from '../stack/system-packages.ts';

export const CHROMIUM_PATH =
	systemPackages().find((p) => p.package === 'chromium')?.proof ?? '/usr/bin/chromium';

export function ensureChromium(): string {
	ensureSystemPackages(['browser']);
	return CHROMIUM_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	try {
		console.log(ensureChromium());
	} catch (e) {
		console.error((e as Error).message);
		process.exit(1);
	}
}
