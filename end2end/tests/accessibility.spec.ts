import { readFileSync } from 'node:fs';
import { expect, Page, test } from '@playwright/test';
import { hydrated, insertCalls, openCampaign, signIn } from './support';

// axe-core (npm), evaluated in the page (the page's CSP rightly refuses an injected <script>):
// every rule it runs by default, at a desktop and a phone width. The target is none of impact
// "serious" or "critical" on the pages people use most.
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VIEWPORTS = [
  { width: 1400, height: 900 },
  { width: 412, height: 823 },
];

type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations: Violation[] = await page.evaluate(async () => {
    // @ts-expect-error axe is the script just injected
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test('axe finds nothing serious on the login page', async ({ page }) => {
      await page.goto('/login');
      await hydrated(page);
      expect(await seriousViolations(page)).toEqual([]);
    });

    test('axe finds nothing serious on the campaign list', async ({ page }) => {
      await signIn(page, 'operator@acme.example');
      await hydrated(page);
      await expect(page.getByTestId('live-feed')).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
    });

    test('axe finds nothing serious on a campaign page with live calls', async ({ page }) => {
      insertCalls('Spring Renewals', 2, 'RINGING');
      await signIn(page, 'operator@acme.example');
      await openCampaign(page, 'Spring Renewals');
      await expect(page.getByTestId('active-calls-list').locator('.call-card').first()).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
    });

    test('axe finds nothing serious on the clients list and an editable trip', async ({ page }) => {
      await signIn(page, 'organizer@acme.example');
      await page.goto('/clients');
      await hydrated(page);
      await expect(page.getByRole('link', { name: 'Amelia Hart' })).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('link', { name: 'Amelia Hart' }).click();
      await expect(page.getByTestId('trip-list')).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByTestId('trip-list').getByRole('link').first().click();
      await expect(page.locator('[data-field="budget_cents"] input')).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}
