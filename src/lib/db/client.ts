import type { SupabaseClient } from '@supabase/supabase-js';
import { Constants, type Database } from '../database.types';

/** The request's client (locals.supabase): every call runs as the signed-in person under RLS. */
export type Db = SupabaseClient<Database>;
export type Tables<T extends keyof Database['public']['Tables']> =
	Database['public']['Tables'][T]['Row'];
export type Enums<T extends keyof Database['public']['Enums']> = Database['public']['Enums'][T];
type Functions = Database['public']['Functions'];
/** What an RPC returns, as the generated types say (from the function's declared return type). */
export type RpcReturns<F extends keyof Functions> = Functions[F]['Returns'];
/** One row of an RPC that `returns table (...)`: what `.single()` gives. */
export type RpcRow<F extends keyof Functions> =
	RpcReturns<F> extends readonly (infer R)[] ? R : RpcReturns<F>;
export type MembershipRole = Enums<'membership_role'>;

/** Every role, in rank order (the enum's own order, from the generated types). */
export const ROLES: readonly MembershipRole[] = Constants.public.Enums.membership_role;
export const STAFF_ROLES: readonly MembershipRole[] = ROLES.filter((r) => r !== 'member');

export type TrafficLight = Enums<'traffic_light'>;

/** The coach overview's lights, in the database's "status" sort order (overdue first). */
export const TRAFFIC_LIGHTS: readonly TrafficLight[] = Constants.public.Enums.traffic_light;

export function isStaff(role: MembershipRole | null | undefined): boolean {
	return !!role && STAFF_ROLES.includes(role);
}

export function isAdmin(role: MembershipRole | null | undefined): boolean {
	return role === 'owner' || role === 'admin';
}
