import { test, expect, Browser, Page } from '@playwright/test';
import { openCampaign, signIn } from './support';

/** A signed-in browser of its own (cookies, Web Locks and tabs apart from the others). */
async function browserOf(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

test('two users on one campaign see each other, one avatar per user, gone soon after leaving', async ({ browser }) => {
  const ada = await browserOf(browser, 'organizer@acme.example');
  const bob = await browserOf(browser, 'admin@acme.example');
  await openCampaign(ada, 'Spring Renewals');
  await openCampaign(bob, 'Spring Renewals');
  const adaSees = ada.getByTestId('presence-avatars');
  const bobSees = bob.getByTestId('presence-avatars');
  await expect(adaSees.getByTestId('presence-avatar')).toHaveCount(1, { timeout: 10_000 });
  await expect(adaSees.getByTestId('presence-avatar')).toHaveAttribute('data-user-name', /Admin/);
  await expect(bobSees.getByTestId('presence-avatar')).toHaveAttribute('data-user-name', /Organizer/);
  await expect(ada.getByTestId('active-users')).toHaveAttribute('data-count', '2');
  // A third tab of Bob's browser on the same page adds no avatar for Ada.
  const bobAgain = await bob.context().newPage();
  await openCampaign(bobAgain, 'Spring Renewals');
  await expect(bobAgain.getByTestId('presence-avatars').getByTestId('presence-avatar')).toHaveCount(1);
  await ada.waitForTimeout(1500);
  await expect(adaSees.getByTestId('presence-avatar')).toHaveCount(1);
  // Bob closes his browser: his avatar goes within 5 s.
  await bob.context().close();
  await expect(adaSees.getByTestId('presence-avatar')).toHaveCount(0, { timeout: 5_000 });
  await ada.context().close();
});

test("a cursor moved in one browser moves in the other, labelled with the user's name", async ({ browser }) => {
  const ada = await browserOf(browser, 'organizer@acme.example');
  const bob = await browserOf(browser, 'admin@acme.example');
  await openCampaign(ada, 'Spring Renewals');
  await openCampaign(bob, 'Spring Renewals');
  await expect(ada.getByTestId('presence-avatars').getByTestId('presence-avatar')).toHaveCount(1, { timeout: 10_000 });
  const area = await ada.getByTestId('live-cursors').boundingBox();
  if (!area) throw new Error('no cursor area');
  await ada.mouse.move(area.x + 100, area.y + 80);
  await ada.mouse.move(area.x + 220, area.y + 140, { steps: 5 });
  const cursor = bob.getByTestId('remote-cursor');
  await expect(cursor).toHaveCount(1, { timeout: 5_000 });
  await expect(cursor).toHaveAttribute('data-user-name', /Organizer/);
  const first = await cursor.getAttribute('style');
  await ada.mouse.move(area.x + 400, area.y + 300, { steps: 5 });
  await expect.poll(() => cursor.getAttribute('style'), { timeout: 5_000 }).not.toBe(first);
  await ada.context().close();
  await bob.context().close();
});
