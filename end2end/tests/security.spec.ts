import { expect, test } from '@playwright/test';
import { collectErrors, hydrated, openCampaign, PASSWORD, pill, psql, signIn } from './support';

/** Record every Content-Security-Policy violation the page reports. */
async function watchCsp(page: import('@playwright/test').Page) {
  await page.addInitScript(() => {
    (window as any).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as any).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

const violations = (page: import('@playwright/test').Page) => page.evaluate(() => (window as any).__csp as string[]);

test('pages hydrate and go live under the Content-Security-Policy, with no violation', async ({ page }) => {
  const errors = collectErrors(page);
  await watchCsp(page);
  const res = await page.goto('/login');
  const policy = res!.headers()['content-security-policy'];
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval' 'nonce-");
  expect(policy).toContain("frame-ancestors 'none'");
  await signIn(page, 'operator@acme.example');
  await hydrated(page);
  await expect(pill(page)).toHaveAttribute('data-state', 'live');
  await openCampaign(page, 'Spring Renewals');
  await expect(pill(page)).toHaveAttribute('data-state', 'live');
  // Client-side navigation back to the list (hydrated router), then a full reload.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
  await expect(page.getByRole('heading', { name: 'Campaigns' })).toBeVisible();
  await page.reload();
  await hydrated(page);
  expect(await violations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('two accounts in one browser: signing out ends the other tab, and the Globex tab never shows Acme changes', async ({ browser }) => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await signIn(first, 'operator@acme.example');
  await expect(pill(first)).toHaveAttribute('data-state', 'live');
  await expect(first.locator('html[data-realtime-role="leader"]')).toHaveCount(1);

  // A second tab of the same browser, same Acme session: it follows the first tab's stream.
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByTestId('org-name')).toHaveText('Acme');
  await expect(pill(second)).toHaveAttribute('data-state', 'live');

  // In the second tab: sign out of Acme...
  await second.getByRole('button', { name: 'Log out' }).click();
  await expect(second).toHaveURL(/\/login$/);
  // ...and the first tab, whose session that was, stops and goes to the login page.
  await expect(first).toHaveURL(/\/login/, { timeout: 15_000 });

  // Sign in to Globex in the second tab.
  await second.getByLabel('Email').fill('operator@globex.example');
  await second.getByLabel('Password').fill(PASSWORD);
  await second.getByRole('button', { name: 'Sign in' }).click();
  await expect(second.getByTestId('org-name')).toHaveText('Globex');
  await expect(pill(second)).toHaveAttribute('data-state', 'live');

  // New campaigns in both organizations: Globex's shows up live, Acme's never does.
  psql(`INSERT INTO campaigns (organization_id, name, status)
        SELECT id, 'Acme Secret Launch', 'active' FROM organizations WHERE slug = 'acme'`);
  psql(`INSERT INTO campaigns (organization_id, name, status)
        SELECT id, 'Globex Fresh Start', 'active' FROM organizations WHERE slug = 'globex'`);
  await expect(second.getByRole('link', { name: 'Globex Fresh Start' })).toBeVisible();
  await second.waitForTimeout(1500);
  await expect(second.getByText('Acme Secret Launch')).toHaveCount(0);
  await expect(first.getByText('Acme Secret Launch')).toHaveCount(0);
  await context.close();
});

test('a tab whose token is revoked elsewhere goes to the login page', async ({ page, context }) => {
  await signIn(page, 'organizer@acme.example');
  await expect(pill(page)).toHaveAttribute('data-state', 'live');
  // The session ends outside this browser (an admin deletes it, or it expires and is pruned).
  const cookie = (await context.cookies()).find((c) => c.name === 'sb_session')!;
  expect(cookie).toBeTruthy();
  psql(`DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = 'organizer@acme.example')`);
  await expect(page).toHaveURL(/\/login\?next=%2F$|\/login$/, { timeout: 15_000 });
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});
