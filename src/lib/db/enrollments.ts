import type { Db } from './client';
import { must } from './errors';

/** People currently enrolled in a program (an ended enrollment is history, not shown). */
export async function listEnrollments(db: Db, programId: string) {
	const rows = must(
		await db
			.from('program_enrollments')
			.select(
				'id, user_id, enrolled_at, profile:profiles!program_enrollments_user_id_fkey(display_name)'
			)
			.eq('program_id', programId)
			.is('ended_at', null)
			.order('enrolled_at')
	);
	return rows.map((r) => ({
		id: r.id,
		userId: r.user_id,
		enrolledAt: r.enrolled_at,
		displayName: r.profile?.display_name ?? 'Unknown'
	}));
}

export async function enroll(
	db: Db,
	input: { organizationId: string; programId: string; userId: string; enrolledBy: string }
) {
	return must(
		await db
			.from('program_enrollments')
			.insert({
				organization_id: input.organizationId,
				program_id: input.programId,
				user_id: input.userId,
				created_by: input.enrolledBy
			})
			.select('id')
			.single()
	);
}

/** Ends an enrollment; the row stays so history keeps who followed the program when. */
export async function endEnrollment(db: Db, enrollmentId: string) {
	return must(
		await db
			.from('program_enrollments')
			.update({ ended_at: new Date().toISOString() })
			.eq('id', enrollmentId)
			.select('id')
	);
}
