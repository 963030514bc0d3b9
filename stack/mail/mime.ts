// Just enough MIME (RFC 2045-2047) to show a caught email: headers (with encoded words), and the
// text and HTML bodies of a single-part or multipart message in 7bit/8bit, quoted-printable or
// base64. Attachments are listed by name only: the catcher is for reading auth's mails.

export interface ParsedMail {
	headers: Map<string, string>;
	subject: string;
	text: string;
	html: string;
	attachments: string[];
}

function unfoldHeaders(block: string): Map<string, string> {
	const headers = new Map<string, string>();
	const lines = block.split(/\r?\n/);
	let current = '';
	const flush = () => {
		const i = current.indexOf(':');
		if (i > 0) {
			const name = current.slice(0, i).trim().toLowerCase();
			if (!headers.has(name)) headers.set(name, current.slice(i + 1).trim());
		}
	};
	for (const line of lines) {
		if (/^[ \t]/.test(line)) current += ' ' + line.trim();
		else {
			flush();
			current = line;
		}
	}
	flush();
	return headers;
}

function charsetDecode(bytes: Buffer, charset: string): string {
	try {
		return new TextDecoder(charset || 'utf-8').decode(bytes);
	} catch {
		return bytes.toString('utf8');
	}
}

function quotedPrintable(text: string): Buffer {
	const soft = text.replace(/=\r?\n/g, '');
	const out: number[] = [];
	for (let i = 0; i < soft.length; i += 1) {
		const c = soft[i];
		if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
			out.push(parseInt(soft.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			for (const b of Buffer.from(c, 'utf8')) out.push(b);
		}
	}
	return Buffer.from(out);
}

/** RFC 2047 encoded words: =?utf-8?B?...?= and =?utf-8?Q?...?=. */
export function decodeWords(value: string): string {
	return value
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(
			/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
			(_m, charset: string, enc: string, data: string) => {
				const bytes =
					enc.toUpperCase() === 'B'
						? Buffer.from(data, 'base64')
						: quotedPrintable(data.replace(/_/g, ' '));
				return charsetDecode(bytes, charset);
			}
		);
}

function param(header: string, name: string): string {
	const m = header.match(new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i'));
	return m ? (m[1] ?? m[2]) : '';
}

function decodeBody(body: string, encoding: string, charset: string): string {
	const enc = encoding.toLowerCase();
	if (enc === 'base64')
		return charsetDecode(Buffer.from(body.replace(/\s+/g, ''), 'base64'), charset);
	if (enc === 'quoted-printable') return charsetDecode(quotedPrintable(body), charset);
	return charsetDecode(Buffer.from(body, 'latin1'), charset);
}

function walk(raw: string, into: ParsedMail, depth: number): Map<string, string> {
	const split = raw.search(/\r?\n\r?\n/);
	const head = split < 0 ? raw : raw.slice(0, split);
	const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
	const headers = unfoldHeaders(head);
	const type = (headers.get('content-type') ?? 'text/plain').toLowerCase();
	const disposition = headers.get('content-disposition') ?? '';
	if (type.startsWith('multipart/') && depth < 8) {
		const boundary = param(headers.get('content-type') ?? '', 'boundary');
		if (boundary) {
			const parts = body.split(
				new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?\\s*`)
			);
			for (const part of parts.slice(1)) if (part.trim()) walk(part, into, depth + 1);
		}
		return headers;
	}
	const filename =
		param(disposition, 'filename') || param(headers.get('content-type') ?? '', 'name');
	if (/attachment/i.test(disposition) || filename) {
		into.attachments.push(decodeWords(filename || 'attachment'));
		return headers;
	}
	const text = decodeBody(
		body,
		headers.get('content-transfer-encoding') ?? '7bit',
		param(type, 'charset')
	);
	if (type.startsWith('text/html')) into.html ||= text;
	else if (type.startsWith('text/')) into.text ||= text;
	return headers;
}

/** Parses the bytes received after DATA (dot-unstuffed) into what the catcher shows. */
export function parseMail(raw: Buffer): ParsedMail {
	const mail: ParsedMail = { headers: new Map(), subject: '', text: '', html: '', attachments: [] };
	mail.headers = walk(raw.toString('latin1'), mail, 0);
	mail.subject = decodeWords(mail.headers.get('subject') ?? '');
	return mail;
}
