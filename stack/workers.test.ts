import { describe, expect, it } from 'vitest';
import { loadWorkers, workerCommand } from './workers.ts';

describe('the app workers named in package.json', () => {
	it('lists setup and run entries as npm scripts', () => {
		const w = loadWorkers();
		expect(w.run.length).toBeGreaterThan(0);
		for (const entry of [...w.setup, ...w.run]) expect(() => workerCommand(entry)).not.toThrow();
	});

	it('runs a `node <file>` script on this Node, with the entry arguments after it', () => {
		const { cmd, args } = workerCommand('worker:push run');
		expect(cmd).toBe(process.execPath);
		expect(args.at(-1)).toBe('run');
		expect(args[0]).toMatch(/\.ts$/);
	});

	it('names a script that does not exist', () => {
		expect(() => workerCommand('worker:nope')).toThrow(/no script "worker:nope"/);
	});
});
