import { describe, expect, it } from 'vitest';
import { PostgrestError } from '@supabase/supabase-js';
import { DbError, failFromDb, toDbError } from './errors.ts';

const pgError = (code: string, message: string, hint = '') =>
	new PostgrestError({ code, message, hint, details: '' });

describe('toDbError', () => {
	it('keeps the database message and takes the code from HINT and the status from PTnnn', () => {
		const e = toDbError(pgError('PT409', 'The address "acme" is already taken.', 'slug_taken'));
		expect(e).toMatchObject({
			message: 'The address "acme" is already taken.',
			code: 'slug_taken',
			status: 409
		});
	});
	it('maps RLS refusals and check violations to 403 and 422', () => {
		expect(toDbError(pgError('42501', 'new row violates row-level security policy')).status).toBe(
			403
		);
		expect(toDbError(pgError('23514', 'violates check constraint')).status).toBe(422);
	});
});

describe('failFromDb', () => {
	it('turns a DbError into fail(status, { errors, values, code })', () => {
		const r = failFromDb(new DbError('Nope.', 'last_owner', 409), { role: 'member' });
		expect(r.status).toBe(409);
		expect(r.data).toEqual({
			errors: { form: ['Nope.'] },
			values: { role: 'member' },
			code: 'last_owner'
		});
	});
	it('rethrows anything else', () => {
		expect(() => failFromDb(new Error('boom'))).toThrow('boom');
	});
});
