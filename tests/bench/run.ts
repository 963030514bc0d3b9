// `npm run bench -- <name> [args]` runs tests/bench/<name>.ts. Benchmarks are never part of
// `npm test`: they measure, they do not pass or fail.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(here)
	.filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
	.map((f) => f.replace(/\.ts$/, ''));
if (!name || !existsSync(path.join(here, `${name}.ts`))) {
	console.log(`usage: npm run bench -- <${available.join('|') || 'name'}> [args]`);
	process.exit(name ? 1 : 0);
}
const mod = (await import(`./${name}.ts`)) as { default: (args: string[]) => Promise<void> };
await mod.default(args);
