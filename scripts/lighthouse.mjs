// Lighthouse (npm) against Debian's Chromium: the login page, the campaign list and a campaign
// page of the server at LH_URL, signed in as LH_EMAIL for the last two. Prints each category's
// score and the bytes a first visit (empty cache) transfers; exits 1 when a score is under
// LH_MIN_SCORE (default 95) or a first load over LH_MAX_KB (default 700).
//
//   LH_URL=http://127.0.0.1:3900 LH_CAMPAIGN=<uuid> node scripts/lighthouse.mjs
//
// LH_PRESET=desktop scores with Lighthouse's desktop settings instead of its default (a
// mid-range phone: 4x slower CPU, throttled network). Full reports: target/lighthouse/*.json
// (*-desktop.json for the desktop settings).
import { mkdirSync, writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import * as chromeLauncher from 'chrome-launcher';

const base = process.env.LH_URL ?? 'http://127.0.0.1:3900';
const email = process.env.LH_EMAIL ?? 'operator@acme.example';
const password = process.env.LH_PASSWORD ?? 'switchboard-demo';
const minScore = Number(process.env.LH_MIN_SCORE ?? 95);
const maxKb = Number(process.env.LH_MAX_KB ?? 700);
const campaign = process.env.LH_CAMPAIGN;
if (!campaign) throw new Error('LH_CAMPAIGN (a campaign id) is not set');
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

/** The session cookie of a form sign-in, as a browser would get it. */
async function signIn() {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ email, password }),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.includes('session'));
  if (!cookie) throw new Error(`signing in as ${email} failed: ${res.status}`);
  return cookie;
}

const pages = [
  { name: 'login', path: '/login', signedIn: false },
  { name: 'campaign list', path: '/', signedIn: true },
  { name: 'campaign page', path: `/campaigns/${campaign}`, signedIn: true },
];

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  chromeFlags: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let failed = false;
try {
  const cookie = await signIn();
  const config = process.env.LH_PRESET === 'desktop' ? desktopConfig : undefined;
  console.log(`lighthouse ${process.env.LH_PRESET === 'desktop' ? 'desktop' : 'mobile (default)'} settings, target >= ${minScore} and <= ${maxKb} KB`);
  for (const page of pages) {
    const flags = {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: CATEGORIES,
      extraHeaders: page.signedIn ? { Cookie: cookie } : undefined,
    };
    const { lhr } = await lighthouse(`${base}${page.path}`, flags, config);
    if (lhr.runtimeError) throw new Error(`${page.name}: ${lhr.runtimeError.message}`);
    mkdirSync('target/lighthouse', { recursive: true });
    const suffix = process.env.LH_PRESET === 'desktop' ? '-desktop' : '';
    writeFileSync(`target/lighthouse/${page.name.replace(/ /g, '-')}${suffix}.json`, JSON.stringify(lhr));
    const scores = CATEGORIES.map((c) => [c, Math.round((lhr.categories[c].score ?? 0) * 100)]);
    // First load: the page and the files it is built from (document, CSS, JS, WASM, icon),
    // as a first visit with an empty cache transfers them. The live traffic that follows (the
    // event stream, server calls) is reported beside it: it grows with the simulator's pace
    // and with how long Lighthouse watches.
    const requests = lhr.audits['network-requests'].details.items;
    const isAsset = (r) =>
      ['Document', 'Stylesheet', 'Script', 'Image', 'Font'].includes(r.resourceType) ||
      new URL(r.url).pathname.startsWith('/pkg/') ||
      new URL(r.url).pathname === '/favicon.svg';
    const sum = (rs) => Math.round(rs.reduce((n, r) => n + (r.transferSize ?? 0), 0) / 1024);
    const kb = sum(requests.filter(isAsset));
    const liveKb = sum(requests.filter((r) => !isAsset(r)));
    const tbt = Math.round(lhr.audits['total-blocking-time'].numericValue);
    const lcp = Math.round(lhr.audits['largest-contentful-paint'].numericValue);
    console.log(
      `lighthouse ${page.name}: ${scores.map(([c, s]) => `${c} ${s}`).join(', ')}; ` +
        `first load ${kb} KB transferred (+ ${liveKb} KB of live updates while measured); ` +
        `TBT ${tbt} ms, LCP ${lcp} ms`,
    );
    for (const [c, s] of scores) {
      if (s < minScore) {
        failed = true;
        const misses = lhr.categories[c].auditRefs
          .map((r) => lhr.audits[r.id])
          .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative')
          .map((a) => `${a.id} (${a.displayValue ?? a.score})`);
        console.log(`  ${c} ${s} < ${minScore}: ${misses.join(', ')}`);
      }
    }
    if (kb > maxKb) {
      failed = true;
      console.log(`  first load ${kb} KB > ${maxKb} KB`);
    }
  }
} finally {
  await chrome.kill();
}
if (failed) {
  console.log('lighthouse: below target');
  process.exit(1);
}
