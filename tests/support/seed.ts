// The demo data of supabase/seed.sql that tests lean on: its fixed ids and the one password every
// seeded login has. Northside (Europe/London) is the demo gym; Harbour is the other organization,
// there to prove that nothing leaks between organizations.

/** The password of every seeded login. */
export const DEMO_PASSWORD = 'password123';

export const NORTHSIDE = 'a0000000-0000-4000-8000-000000000001';
export const HARBOUR = 'a0000000-0000-4000-8000-000000000002';

/** Alex Morgan, coach.alex@coachline.dev: Northside's coach. */
export const ALEX = '10000000-0000-4000-8000-000000000002';
/** Jamie Lee, athlete01@coachline.dev. */
export const ATHLETE01 = '10000000-0000-4000-8000-000000000101';
/** Priya Shah, athlete02@coachline.dev. */
export const PRIYA = '10000000-0000-4000-8000-000000000102';
