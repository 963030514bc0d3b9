// What a person reads when auth refuses an email or code request: GoTrue's error codes in words
// they can act on.
export function authMessage(error: { code?: string; message: string; status?: number }): string {
	switch (error.code) {
		case 'over_email_send_rate_limit':
			return /after \d+ seconds/.test(error.message)
				? `We just sent you an email. ${error.message.replace('For security purposes, you', 'You')}`
				: 'Too many emails were sent in the last hour. Please try again later.';
		case 'over_request_rate_limit':
			return 'Too many attempts. Please wait a minute and try again.';
		case 'otp_expired':
			return 'That link or code has expired or was already used. Ask for a new one.';
		case 'otp_disabled':
			return 'There is no Coachline account for that email address.';
		case 'mfa_verification_failed':
			return 'That code is not right. Enter the 6-digit code your authenticator app shows now.';
		case 'mfa_challenge_expired':
			return 'That took too long. Enter the current code again.';
		case 'same_password':
			return 'Choose a password different from your old one.';
		case 'weak_password':
			return 'Use at least 8 characters.';
		default:
			return error.status && error.status >= 500
				? 'Coachline could not reach its sign-in service. Please try again in a moment.'
				: error.message;
	}
}
