// Renders assets/icon.svg into the PNG sizes Linux desktops look for (assets/icons/NxN.png),
// with Debian's Chromium. Run after changing the SVG: node scripts/render-icons.mjs
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';

const SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const svg = readFileSync('assets/icon.svg', 'utf8');
mkdirSync('assets/icons', { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage();
for (const size of SIZES) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `)}</body></html>`);
  await page.screenshot({ path: `assets/icons/${size}x${size}.png`, omitBackground: true });
}
await browser.close();
console.log(`rendered ${SIZES.length} icons into assets/icons/`);
