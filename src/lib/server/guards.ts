import { error } from '@sveltejs/kit';
import { isAdmin, isStaff, type MembershipRole } from '../db/client';

export function requireStaff(role: MembershipRole): void {
	if (!isStaff(role)) error(403, 'Only coaches, admins and owners can open this page.');
}

export function requireAdmin(role: MembershipRole): void {
	if (!isAdmin(role)) error(403, 'Only owners and admins can do this.');
}

export function requireUser(user: SessionUser | null): SessionUser {
	if (!user) error(401, 'Sign in first.');
	return user;
}
