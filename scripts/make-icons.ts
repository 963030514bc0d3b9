// Renders the installable app icons from static/favicon.svg into static/icons/ (run once, and again
// whenever the logo changes): `node scripts/make-icons.ts`. The PNGs are committed; the manifest
// and app.html point at them.
//   icon-192.png, icon-512.png   purpose "any": the logo as drawn (rounded square)
//   maskable-512.png             purpose "maskable": full-bleed background, logo inside the 80% safe zone
//   apple-touch-icon.png (180)   iOS adds its own rounded corners, so a full-bleed square
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const svg = readFileSync(path.join(root, 'static/favicon.svg'));
const out = (name: string) => path.join(root, 'static/icons', name);
const THEME = '#0f766e';

/** The logo rendered at `size` pixels square. */
function logo(size: number) {
	return sharp(svg, { density: Math.ceil((72 * size) / 64) * 2 }).resize(size, size);
}

/** The logo scaled to `scale` of a full-bleed theme-coloured square (no transparent corners). */
async function fullBleed(size: number, scale: number, file: string) {
	const inner = Math.round(size * scale);
	const png = await logo(inner).png().toBuffer();
	await sharp({
		create: { width: size, height: size, channels: 4, background: THEME }
	})
		.composite([{ input: png, gravity: 'centre' }])
		.png()
		.toFile(out(file));
}

await logo(192).png().toFile(out('icon-192.png'));
await logo(512).png().toFile(out('icon-512.png'));
await fullBleed(512, 0.8, 'maskable-512.png');
await fullBleed(180, 1, 'apple-touch-icon.png');
// A monochrome badge for the Android status bar: white glyph on transparent.
await sharp(
	Buffer.from(
		'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><path d="M14 40h8V24h-8zm28 0h8V24h-8zM22 35h20v-6H22z" fill="#fff"/></svg>'
	),
	{ density: 300 }
)
	.resize(96, 96)
	.png()
	.toFile(out('badge-96.png'));
console.log('icons written to static/icons/');
