// The local mail catcher, standing where the Supabase CLI runs Mailpit: an SMTP server that
// accepts every message for any address and keeps it in memory, and an HTTP server with a page to
// read the mail and a JSON API (the subset of Mailpit's /api/v1 the tests and people use:
// list, read one, delete all). Nothing is relayed anywhere.
//
// SMTP is hand-written rather than a library: a catcher needs only the receiving half of
// RFC 5321 (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) on loopback, without TLS or AUTH,
// which is about a hundred lines; sending (stack/auth/mailer.ts) uses nodemailer, which real SMTP
// servers need (STARTTLS, AUTH, pooling).
import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { decodeWords, parseMail } from './mime.ts';

export interface Address {
	Name: string;
	Address: string;
}

export interface CaughtMail {
	ID: string;
	From: Address;
	To: Address[];
	Subject: string;
	Created: string;
	Text: string;
	HTML: string;
	Attachments: string[];
	/** The envelope recipients (RCPT TO), which may differ from the To header (Bcc). */
	Envelope: string[];
}

export interface MailCatcher {
	/** Base URL of the web page and API, e.g. http://127.0.0.1:54324 */
	url: string;
	smtpPort: number;
	messages(): CaughtMail[];
	close(): Promise<void>;
}

/** Most messages kept; the oldest go first (a long-running dev stack must not grow forever). */
const KEEP = 1000;
/** Largest message accepted (SIZE extension, RFC 1870). */
const MAX_SIZE = 10 * 1024 * 1024;

function parseAddressList(value: string): Address[] {
	if (!value) return [];
	return decodeWords(value)
		.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
		.map((part) => {
			const m = part.match(/^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/);
			return m ? { Name: m[1].trim(), Address: m[2].trim() } : { Name: '', Address: part.trim() };
		})
		.filter((a) => a.Address);
}

function smtpSession(socket: net.Socket, onMail: (envelope: string[], raw: Buffer) => void): void {
	socket.setTimeout(60_000, () => socket.destroy());
	const reply = (line: string) => socket.write(`${line}\r\n`);
	let from: string | null = null;
	let rcpts: string[] = [];
	let inData = false;
	let data: Buffer[] = [];
	let dataSize = 0;
	let pending = Buffer.alloc(0);
	reply('220 coachline mail catcher ESMTP');
	const command = (line: string) => {
		const verb = line.slice(0, 4).toUpperCase();
		if (verb === 'EHLO') {
			socket.write(`250-coachline\r\n250-SIZE ${MAX_SIZE}\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n`);
		} else if (verb === 'HELO') reply('250 coachline');
		else if (verb === 'MAIL') {
			const m = line.match(/^MAIL FROM:\s*<([^>]*)>/i);
			if (!m) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
			from = m[1];
			rcpts = [];
			reply('250 2.1.0 Ok');
		} else if (verb === 'RCPT') {
			if (from === null) return reply('503 5.5.1 Need MAIL first');
			const m = line.match(/^RCPT TO:\s*<([^>]+)>/i);
			if (!m) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
			rcpts.push(m[1]);
			reply('250 2.1.5 Ok');
		} else if (verb === 'DATA') {
			if (rcpts.length === 0) return reply('503 5.5.1 Need RCPT first');
			inData = true;
			data = [];
			dataSize = 0;
			reply('354 End data with <CR><LF>.<CR><LF>');
		} else if (verb === 'RSET') {
			from = null;
			rcpts = [];
			reply('250 2.0.0 Ok');
		} else if (verb === 'NOOP') reply('250 2.0.0 Ok');
		else if (verb === 'QUIT') {
			reply('221 2.0.0 Bye');
			socket.end();
		} else reply('502 5.5.2 Command not recognized');
	};
	socket.on('data', (chunk: Buffer) => {
		pending = Buffer.concat([pending, chunk]);
		for (;;) {
			const nl = pending.indexOf('\n');
			if (nl < 0) break;
			const line = pending.subarray(0, nl + 1);
			pending = pending.subarray(nl + 1);
			if (inData) {
				const text = line.toString('latin1');
				if (text === '.\r\n' || text === '.\n') {
					inData = false;
					if (dataSize > MAX_SIZE) reply('552 5.3.4 Message too big');
					else {
						onMail(rcpts, Buffer.concat(data));
						reply('250 2.0.0 Ok: queued');
					}
					from = null;
					rcpts = [];
					continue;
				}
				// Dot-stuffing (RFC 5321 §4.5.2): a leading dot was doubled by the sender.
				const body = text.startsWith('.') ? line.subarray(1) : line;
				dataSize += body.length;
				if (dataSize <= MAX_SIZE) data.push(body);
			} else {
				command(line.toString('utf8').replace(/\r?\n$/, ''));
			}
		}
		if (!inData && pending.length > 4096) socket.destroy();
	});
	socket.on('error', () => socket.destroy());
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(mails: CaughtMail[], open: CaughtMail | null): string {
	const rows = mails
		.map(
			(m) => `<li><a href="/?id=${m.ID}"${open?.ID === m.ID ? ' aria-current="true"' : ''}>
<strong>${esc(m.Subject || '(no subject)')}</strong><span>${esc(m.To.map((t) => t.Address).join(', '))}</span>
<time datetime="${m.Created}">${esc(new Date(m.Created).toLocaleString('en-GB'))}</time></a></li>`
		)
		.join('');
	const body = open
		? `<article><h2>${esc(open.Subject)}</h2>
<p>From ${esc(open.From.Address)} to ${esc(open.To.map((t) => t.Address).join(', '))}</p>
${
	open.HTML
		? `<iframe title="Message" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${esc(open.HTML.replace(/<a /g, '<a target="_blank" '))}"></iframe>`
		: ''
}
<pre>${esc(open.Text)}</pre></article>`
		: `<p>${mails.length ? 'Choose a message.' : 'No mail yet. Anything auth sends locally lands here.'}</p>`;
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Mail catcher · Coachline</title><style>
body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#111;background:#f6f7f9}
header{display:flex;justify-content:space-between;align-items:center;padding:.75rem 1rem;background:#12343b;color:#fff}
header h1{font-size:1.1rem;margin:0} header button{font:inherit}
main{display:grid;grid-template-columns:minmax(0,22rem) minmax(0,1fr);gap:1rem;padding:1rem}
@media (max-width:700px){main{grid-template-columns:minmax(0,1fr)}article{order:-1}}
ul{list-style:none;margin:0;padding:0;background:#fff;border:1px solid #ccd}
li a{display:grid;gap:.1rem;padding:.6rem .8rem;border-bottom:1px solid #e3e5ea;color:inherit;text-decoration:none;overflow-wrap:anywhere}
li a[aria-current]{background:#e5f1f3} li span,li time{color:#444;font-size:.85rem}
article{background:#fff;border:1px solid #ccd;padding:1rem;min-width:0}
iframe{width:100%;height:24rem;border:1px solid #e3e5ea;background:#fff}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
</style></head><body><header><h1>Mail catcher (${mails.length})</h1>
<form method="post" action="/clear"><button>Delete all</button></form></header>
<main><ul aria-label="Messages">${rows}</ul>${body}</main></body></html>`;
}

function summary(m: CaughtMail) {
	return {
		ID: m.ID,
		From: m.From,
		To: m.To,
		Subject: m.Subject,
		Created: m.Created,
		Snippet: m.Text.replace(/\s+/g, ' ').trim().slice(0, 250)
	};
}

async function listen(server: net.Server, port: number, host: string): Promise<number> {
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	return (server.address() as net.AddressInfo).port;
}

export async function startMailCatcher(
	opts: { httpPort?: number; smtpPort?: number; host?: string } = {}
): Promise<MailCatcher> {
	const host = opts.host ?? '127.0.0.1';
	const mails: CaughtMail[] = [];
	const sockets = new Set<net.Socket>();
	const smtp = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		smtpSession(socket, (envelope, raw) => {
			const parsed = parseMail(raw);
			const from = parseAddressList(parsed.headers.get('from') ?? '')[0];
			mails.push({
				ID: randomUUID(),
				From: from ?? { Name: '', Address: '' },
				To: parseAddressList(parsed.headers.get('to') ?? ''),
				Subject: parsed.subject,
				Created: new Date().toISOString(),
				Text: parsed.text,
				HTML: parsed.html,
				Attachments: parsed.attachments,
				Envelope: envelope
			});
			if (mails.length > KEEP) mails.splice(0, mails.length - KEEP);
		});
	});
	const web = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://catcher');
		const json = (status: number, body: unknown) => {
			res.writeHead(status, {
				'content-type': 'application/json; charset=utf-8',
				'access-control-allow-origin': '*'
			});
			res.end(JSON.stringify(body));
		};
		const newestFirst = () => [...mails].reverse();
		if (url.pathname === '/api/v1/messages' && req.method === 'GET') {
			// ?query=to:address narrows the list, as Mailpit's search does for this one field.
			const q = url.searchParams.get('query') ?? '';
			const to = q.match(/^to:(\S+)$/i)?.[1]?.toLowerCase();
			const list = newestFirst().filter(
				(m) => !to || m.To.some((t) => t.Address.toLowerCase() === to) || m.Envelope.includes(to)
			);
			return json(200, { total: list.length, messages: list.map(summary) });
		}
		if (url.pathname === '/api/v1/messages' && req.method === 'DELETE') {
			mails.length = 0;
			return json(200, 'ok');
		}
		const one = url.pathname.match(/^\/api\/v1\/message\/([\w-]+)$/);
		if (one && req.method === 'GET') {
			const m = mails.find((x) => x.ID === one[1]);
			return m ? json(200, m) : json(404, { error: 'message not found' });
		}
		if (url.pathname === '/clear' && req.method === 'POST') {
			mails.length = 0;
			res.writeHead(303, { location: '/' }).end();
			return;
		}
		if (url.pathname === '/' && req.method === 'GET') {
			const id = url.searchParams.get('id');
			res.writeHead(200, {
				'content-type': 'text/html; charset=utf-8',
				'content-security-policy':
					"default-src 'none'; style-src 'unsafe-inline'; img-src data: http: https:; frame-src 'self'; form-action 'self'"
			});
			res.end(page(newestFirst(), mails.find((m) => m.ID === id) ?? null));
			return;
		}
		json(404, { error: 'not found' });
	});
	const smtpPort = await listen(smtp, opts.smtpPort ?? 0, host);
	let httpPort: number;
	try {
		httpPort = await listen(web, opts.httpPort ?? 0, host);
	} catch (e) {
		smtp.close();
		throw e;
	}
	return {
		url: `http://${host}:${httpPort}`,
		smtpPort,
		messages: () => [...mails],
		async close() {
			web.closeAllConnections();
			for (const s of sockets) s.destroy();
			await Promise.all([new Promise((r) => smtp.close(r)), new Promise((r) => web.close(r))]);
		}
	};
}
