import { expect, test } from '@playwright/test';
import { PASSWORD, signIn } from './support';

test('a signed-out visitor sees the login page', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('a wrong password shows a clear error and no session', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('operator@acme.example');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('login-error')).toHaveText('Wrong email or password.');
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});

test('the operator signs in, sees the header and signs out', async ({ page, context }) => {
  await signIn(page, 'operator@acme.example');
  await expect(page.getByTestId('org-name')).toHaveText('Acme');
  await expect(page.getByTestId('user-email')).toContainText('operator@acme.example');
  const cookie = (await context.cookies()).find((c) => c.name === 'sb_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});

test('after signing in the visitor lands where they were going', async ({ page }) => {
  await page.goto('/campaigns/00000000-0000-0000-0000-000000000000');
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('Email').fill('operator@acme.example');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/campaigns\/00000000-0000-0000-0000-000000000000$/);
  await expect(page.getByText('does not exist or is not yours')).toBeVisible();
});
