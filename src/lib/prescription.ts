// How a movement's prescription reads on the athlete's screen: "5 × 5 @ 100 kg", "400 m", "2:00".

export interface Prescribed {
	sets: number | null;
	reps: number | null;
	rep_scheme: string | null;
	load: number | null;
	load_unit: string | null;
	time_seconds: number | null;
	distance_meters: number | null;
}

const UNIT: Record<string, string> = { kg: 'kg', lb: 'lb', percent_1rm: '% 1RM', bodyweight: 'BW' };

export function formatSeconds(total: number): string {
	const m = Math.floor(total / 60);
	const s = total % 60;
	return `${m}:${String(s).padStart(2, '0')}`;
}

export function prescription(m: Prescribed): string {
	const parts: string[] = [];
	const volume =
		m.rep_scheme ??
		(m.sets && m.reps
			? `${m.sets} × ${m.reps}`
			: m.reps
				? `${m.reps} reps`
				: m.sets
					? `${m.sets} sets`
					: null);
	if (volume) parts.push(volume);
	if (m.load !== null && m.load_unit !== 'bodyweight') {
		const unit = m.load_unit ? (UNIT[m.load_unit] ?? m.load_unit) : '';
		parts.push(`@ ${m.load}${unit === '% 1RM' ? '' : ' '}${unit}`.trim());
	} else if (m.load_unit === 'bodyweight') {
		parts.push('bodyweight');
	}
	if (m.distance_meters !== null) parts.push(`${m.distance_meters} m`);
	if (m.time_seconds !== null) parts.push(formatSeconds(m.time_seconds));
	return parts.join(' ');
}
