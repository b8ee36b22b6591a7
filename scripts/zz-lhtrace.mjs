import { writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
const base = process.env.LH_URL; const campaign = process.env.LH_CAMPAIGN;
const res = await fetch(`${base}/auth/login`, { method: 'POST', redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
  body: new URLSearchParams({ email: 'operator@acme.example', password: 'switchboard-demo' }) });
const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.includes('session'));
const chrome = await chromeLauncher.launch({ chromePath: '/usr/bin/chromium', chromeFlags: ['--headless=new','--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync'] });
const path = process.env.LH_PATH ?? `/campaigns/${campaign}`;
const r = await lighthouse(`${base}${path}`, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'], extraHeaders: { Cookie: cookie } });
writeFileSync('/tmp/trace.json', JSON.stringify(r.artifacts.Trace));
const m = r.lhr.audits.metrics.details.items[0];
console.log('perf', r.lhr.categories.performance.score, 'obsFCP', m.observedFirstContentfulPaint, 'obsDCL', m.observedDomContentLoaded, 'LCP', m.largestContentfulPaint, 'TBT', m.totalBlockingTime);
await chrome.kill();
