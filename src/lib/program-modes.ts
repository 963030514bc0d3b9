export const MODE_INFO = {
	coaching: {
		label: 'Coaching',
		text: 'One-to-one: you plan each athlete’s calendar individually.'
	},
	feed: {
		label: 'Feed',
		text: 'One stream of workouts every enrolled athlete follows.'
	},
	schedule: {
		label: 'Schedule',
		text: 'Workouts attached to class sessions on a timetable.'
	}
} as const;
