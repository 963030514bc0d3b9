import type { Db, Enums, Tables } from './client';
import { must } from './errors';

export type Program = Tables<'programs'>;
export type ProgramMode = Enums<'program_mode'>;

export async function listPrograms(db: Db, organizationId: string) {
	const rows = must(
		await db
			.from('programs')
			.select('id, name, mode, description, archived_at, program_enrollments(id, ended_at)')
			.eq('organization_id', organizationId)
			.is('archived_at', null)
			.order('name')
	);
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		mode: r.mode,
		description: r.description,
		enrolled: r.program_enrollments.filter((e) => e.ended_at === null).length
	}));
}

/**
 * The live programs' names only, for pickers: without listPrograms' enrollments (thousands of
 * rows at 2,000 athletes, read only to count them).
 */
export async function listProgramNames(
	db: Db,
	organizationId: string
): Promise<{ id: string; name: string }[]> {
	return must(
		await db
			.from('programs')
			.select('id, name')
			.eq('organization_id', organizationId)
			.is('archived_at', null)
			.order('name')
	);
}

export async function getProgram(db: Db, programId: string): Promise<Program | null> {
	return must(await db.from('programs').select('*').eq('id', programId).maybeSingle()) ?? null;
}

export async function createProgram(
	db: Db,
	input: {
		organizationId: string;
		userId: string;
		name: string;
		mode: ProgramMode;
		description: string | null;
	}
): Promise<Program> {
	return must(
		await db
			.from('programs')
			.insert({
				organization_id: input.organizationId,
				created_by: input.userId,
				name: input.name,
				mode: input.mode,
				description: input.description
			})
			.select('*')
			.single()
	);
}
