import { execFile, execFileSync } from 'node:child_process';
import { expect, Page } from '@playwright/test';

export const PASSWORD = 'switchboard-demo';

/** Run SQL against the test server's database with psql, as an outside writer would. */
export function psql(sql: string): string {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error('E2E_DATABASE_URL is not set (scripts/e2e.sh sets it)');
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' }).trim();
}

/**
 * Wait until every transaction committed so far is numbered in the change log (the sequencer
 * does it after the fact, within milliseconds): what a stream or a poll started afterwards
 * sees as already written. The browser tests' counterpart of the server tests' `sequenced()`.
 */
export async function sequenced() {
  await expect
    .poll(() => psql(`SELECT count(*) FROM realtime.changes ch
                      WHERE pg_xact_status(ch.txid) = 'committed'
                        AND NOT EXISTS (SELECT 1 FROM realtime.commits c WHERE c.txid = ch.txid)`),
      { timeout: 5_000 })
    .toBe('0');
}

/** Run SQL with psql without blocking the test (a write loop while the page is watched). */
export function psqlInBackground(sql: string): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    execFile('psql', [process.env.E2E_DATABASE_URL!, '-v', 'ON_ERROR_STOP=1', '-qc', sql], (e) => (e ? reject(e) : resolve())),
  );
}

/** Sign in through the login form and wait for the campaign list. */
export async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Campaigns' })).toBeVisible();
}

/** Collect uncaught page errors, so a test can assert the page hydrated cleanly. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

/** Hue (0–360) and colourfulness (max − min channel, 0–255) of an sRGB colour. */
export function hueOf([r, g, b]: number[]): { hue: number; spread: number } {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = ((g - b) / d) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
  }
  return { hue: (h * 60 + 360) % 360, spread: d };
}

/** An element's computed background as sRGB, whatever colour space the CSS used. */
export async function backgroundRgb(el: import('@playwright/test').Locator): Promise<number[]> {
  return el.evaluate((node) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = getComputedStyle(node).backgroundColor;
    ctx.fillRect(0, 0, 1, 1);
    return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
  });
}

/** Insert `n` calls in `status` for pending contacts of a campaign (as a dialer would); their ids. */
export function insertCalls(campaign: string, n: number, status = 'QUEUED'): string[] {
  const out = psql(`INSERT INTO calls (organization_id, campaign_id, contact_id, status)
      SELECT c.organization_id, c.campaign_id, c.id, '${status}'
      FROM contacts c JOIN campaigns k ON k.id = c.campaign_id
      WHERE k.name = '${campaign}' AND c.status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM calls x WHERE x.contact_id = c.id)
      ORDER BY c.id LIMIT ${n}
      RETURNING id`);
  const ids = out.split('\n').filter(Boolean);
  if (ids.length !== n) throw new Error(`wanted ${n} calls in ${campaign}, got ${ids.length}`);
  return ids;
}

/** Open a campaign's page from the list, hydrated. */
export async function openCampaign(page: Page, name: string) {
  const id = psql(`SELECT id FROM campaigns WHERE name = '${name}'`);
  await page.goto(`/campaigns/${id}`);
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await hydrated(page);
}

/**
 * Wait for the page to hydrate. Generous on purpose: this is not a speed assertion (Lighthouse and
 * `make bench` measure that) and the debug WASM is 9.6 MB — a test that routes requests turns
 * Chromium's cache off, so it is downloaded and compiled again while the server and Postgres share
 * the machine's two cores.
 */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 20_000 });
}

/** The header's connection pill. */
export function pill(page: Page) {
  return page.getByTestId('connection-status');
}
