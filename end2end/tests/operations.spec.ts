import { expect, Page, test } from '@playwright/test';
import { collectErrors, hydrated, psql, signIn } from './support';

const ACTIVE = "('QUEUED', 'RINGING', 'IN_PROGRESS')";

/** The header's system health indicator. */
function indicator(page: Page) {
  return page.getByTestId('health-indicator');
}

/** Insert a QUEUED call for a pending contact of `org`, created `ageSecs` ago, never called back. */
function silentCall(org: string, ageSecs: number): string {
  return psql(`INSERT INTO calls (organization_id, campaign_id, contact_id, status, created_at)
      SELECT c.organization_id, c.campaign_id, c.id, 'QUEUED', now() - interval '${ageSecs} seconds'
      FROM contacts c JOIN organizations o ON o.id = c.organization_id
      WHERE o.slug = '${org}' AND c.status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM calls x WHERE x.contact_id = c.id)
      ORDER BY c.id LIMIT 1
      RETURNING id`);
}

/** Every active call of `org` has just had a callback (webhooks are fine). */
function callbacksArrived(org: string) {
  psql(`UPDATE calls SET last_callback_at = now() WHERE status IN ${ACTIVE}
        AND organization_id = (SELECT id FROM organizations WHERE slug = '${org}')`);
}

test('the header indicator turns amber when webhooks go stale', async ({ page }) => {
  test.setTimeout(60_000);
  callbacksArrived('globex');
  await signIn(page, 'operator@globex.example');
  await hydrated(page);
  await expect(indicator(page)).toHaveAttribute('data-status', 'healthy', { timeout: 15_000 });
  await expect(indicator(page)).toHaveText('System: Healthy');
  // Operators see the state but have no health page to go to.
  expect(await indicator(page).evaluate((el) => el.tagName)).toBe('SPAN');

  silentCall('globex', 40);
  await expect(indicator(page)).toHaveAttribute('data-status', 'degraded', { timeout: 15_000 });
  await expect(indicator(page)).toHaveAttribute('data-color', 'amber');
  await expect(indicator(page)).toHaveText('System: Degraded');
  await expect(indicator(page)).toHaveAttribute('title', /no status callback/);
});

test('an operator gets a 403 page at /admin/health, never the figures', async ({ page }) => {
  await signIn(page, 'operator@acme.example');
  const res = await page.goto('/admin/health');
  expect(res?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Admins only' })).toBeVisible();
  await expect(page.getByTestId('tile-active-calls')).toHaveCount(0);
  await expect(page.getByTestId('webhook-url')).toHaveCount(0);
  expect(await page.content()).not.toContain('auth_token');
});

test('the admin health page updates a figure live and rotates the webhook token', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = collectErrors(page);
  await signIn(page, 'admin@acme.example');
  // The indicator takes admins to the health page.
  await hydrated(page);
  await indicator(page).click();
  await expect(page).toHaveURL(/\/admin\/health$/);
  await expect(page.getByRole('heading', { name: 'System health' })).toBeVisible();
  await hydrated(page);

  const active = page.getByTestId('tile-active-calls').getByTestId('value');
  const before = Number(await active.textContent());
  silentCall('acme', 0);
  silentCall('acme', 0);
  await expect(active).toHaveText(String(before + 2), { timeout: 6_000 });
  // This admin's own stream is counted among the open streams.
  await expect(page.getByTestId('tile-streams').getByTestId('value')).not.toHaveText('0', { timeout: 10_000 });

  const url = page.getByTestId('webhook-url');
  const org = psql("SELECT id FROM organizations WHERE slug = 'acme'");
  await expect(url).toHaveText(new RegExp(`/api/webhooks/twilio/${org}$`));
  const token = page.getByTestId('auth-token');
  await expect(token).not.toContainText(psql(`SELECT auth_token FROM telephony_accounts WHERE organization_id = '${org}'`));
  await page.getByRole('button', { name: 'Show' }).click();
  const old = psql(`SELECT auth_token FROM telephony_accounts WHERE organization_id = '${org}'`);
  await expect(token).toHaveText(old);

  await page.getByRole('button', { name: 'Rotate token…' }).click();
  await page.getByRole('button', { name: 'Rotate now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Token rotated' })).toBeVisible();
  const rotated = psql(`SELECT auth_token FROM telephony_accounts WHERE organization_id = '${org}'`);
  expect(rotated).not.toBe(old);
  await expect(token).toHaveText(rotated);
  expect(errors).toEqual([]);
});

test('browsers report the latency users see, and the admin page shows it', async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, 'admin@acme.example');
  await hydrated(page);
  const reported = page.waitForRequest((r) => r.url().endsWith('/api/telemetry/latency') && r.method() === 'POST', {
    timeout: 30_000,
  });
  // Calls the campaign list counts: the first report goes out a few seconds after them.
  for (let i = 0; i < 3; i++) {
    silentCall('acme', 0);
    await page.waitForTimeout(300);
  }
  const req = await reported;
  const counts = JSON.parse(req.postData() ?? '{}').counts as number[];
  expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  await page.goto('/admin/health');
  await hydrated(page);
  await expect(page.getByTestId('tile-render-latency').getByTestId('value')).toHaveText(/^\d+(\.\d)? m?s$/);
});
