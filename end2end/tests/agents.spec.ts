import { expect, Page, test } from '@playwright/test';
import { collectErrors, hydrated, pill, psql, signIn } from './support';

// The e2e server runs without the agent worker: what agents "do" here is written with psql, as
// an agent service would write it.

/** An Acme agent (made if the demo data has none); its id. */
function acmeAgent(): string {
  const found = psql(`SELECT a.id FROM agents a JOIN organizations o ON o.id = a.organization_id
      WHERE o.slug = 'acme' AND a.kind = 'outreach' ORDER BY a.name LIMIT 1`);
  if (found) return found;
  return psql(`INSERT INTO agents (organization_id, name, kind)
      SELECT id, 'E2E Outreach', 'outreach' FROM organizations WHERE slug = 'acme' RETURNING id`);
}

/** An Acme contact without agent work yet (paged past the seeded ones by `n`): id and name. */
function freshContact(n: number): { id: string; name: string } {
  const [id, name] = psql(`SELECT c.id, c.name FROM contacts c JOIN organizations o ON o.id = c.organization_id
      WHERE o.slug = 'acme' AND NOT EXISTS (SELECT 1 FROM agent_tasks t WHERE t.contact_id = c.id)
      ORDER BY c.id OFFSET ${n} LIMIT 1`).split('|');
  return { id, name };
}

/** A draft awaiting approval for `contact`, as the agent writes it (task completed + draft); its id. */
function insertDraft(contact: string, subject: string): string {
  const agent = acmeAgent();
  return psql(`WITH t AS (
        INSERT INTO agent_tasks (organization_id, contact_id, agent_id, kind, status, started_at, finish_at, completed_at)
        SELECT organization_id, id, '${agent}', 'draft_email', 'completed', now(), now(), now()
        FROM contacts WHERE id = '${contact}' RETURNING id, organization_id, contact_id, agent_id)
      INSERT INTO drafts (organization_id, contact_id, task_id, agent_id, channel, subject, body)
      SELECT organization_id, contact_id, id, agent_id, 'email', '${subject}', 'Hello from the e2e agent.' FROM t
      RETURNING id`);
}

const card = (page: Page, draft: string) => page.locator(`[data-draft-id="${draft}"]`);
const navCount = (page: Page) => page.getByTestId('pending-approvals');

async function openApprovals(page: Page) {
  await page.goto('/approvals');
  await expect(page.getByRole('heading', { name: 'Approvals' })).toBeVisible();
  await hydrated(page);
  await expect(pill(page)).toHaveAttribute('data-state', 'live');
}

test('a draft written with psql appears on the approvals page and in the nav count within 2 s', async ({ page }) => {
  const errors = collectErrors(page);
  await signIn(page, 'organizer@acme.example');
  await openApprovals(page);
  const before = Number(await navCount(page).getAttribute('data-count'));
  const contact = freshContact(0);
  const t0 = Date.now();
  const draft = insertDraft(contact.id, 'Spring offer for you');
  await expect(card(page, draft)).toBeVisible({ timeout: 2_000 });
  await expect(navCount(page)).toHaveAttribute('data-count', String(before + 1), { timeout: 2_000 });
  console.log(`psql draft → approvals page: ${Date.now() - t0} ms`);
  await expect(card(page, draft)).toContainText(contact.name);
  await expect(card(page, draft)).toContainText('Spring offer for you');
  expect(errors).toEqual([]);
});

test('approving a draft in one browser removes it from the other browser', async ({ browser }) => {
  const one = await browser.newContext();
  const two = await browser.newContext();
  const a = await one.newPage();
  const b = await two.newPage();
  await signIn(a, 'organizer@acme.example');
  await signIn(b, 'admin@acme.example');
  const draft = insertDraft(freshContact(1).id, 'Decide me');
  await openApprovals(a);
  await openApprovals(b);
  await expect(card(a, draft)).toBeVisible();
  await expect(card(b, draft)).toBeVisible();
  const countB = Number(await navCount(b).getAttribute('data-count'));

  await card(a, draft).getByRole('button', { name: 'Approve' }).click();
  await expect(card(a, draft)).toHaveCount(0);
  await expect(card(b, draft)).toHaveCount(0, { timeout: 2_000 });
  await expect(navCount(b)).toHaveAttribute('data-count', String(countB - 1));
  expect(psql(`SELECT status || ' ' || decided_by_name FROM drafts WHERE id = '${draft}'`)).toBe('approved Acme Organizer');

  await one.close();
  await two.close();
});

test('with notifications on and three tabs open, a new draft shows exactly one notification, and clicking it opens approvals', async ({ browser }) => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const notes: any[] = [];
    (window as any).__notes = notes;
    class FakeNotification {
      static permission = 'granted';
      static requestPermission() {
        return Promise.resolve('granted');
      }
      title: string;
      options: any;
      onclick: null | (() => void) = null;
      constructor(title: string, options: any) {
        this.title = title;
        this.options = options;
        notes.push(this);
      }
      close() {}
    }
    (window as any).Notification = FakeNotification;
  });
  const first = await context.newPage();
  await signIn(first, 'organizer@acme.example');
  await hydrated(first);
  const toggle = first.getByTestId('notifications-toggle');
  await expect(toggle).toHaveText('Enable notifications');
  await toggle.click();
  await expect(toggle).toHaveText('Notifications on');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const pages = [first, await context.newPage(), await context.newPage()];
  for (const p of pages.slice(1)) {
    await p.goto('/contacts');
    await hydrated(p);
    await expect(p.getByTestId('notifications-toggle')).toHaveText('Notifications on');
  }
  for (const p of pages) await expect(pill(p)).toHaveAttribute('data-state', 'live');

  const contact = freshContact(3);
  insertDraft(contact.id, 'Ring the bell');
  const titles = async () => (await Promise.all(pages.map((p) => p.evaluate(() => (window as any).__notes.map((n: any) => n.title))))).flat();
  await expect.poll(titles, { timeout: 5_000 }).toEqual([`Draft ready for ${contact.name}`]);
  await new Promise((r) => setTimeout(r, 1_500)); // nothing else arrives late
  expect(await titles()).toHaveLength(1);

  // Three at once make one notification.
  for (let i = 4; i < 7; i++) insertDraft(freshContact(i).id, `Burst ${i}`);
  await expect.poll(titles, { timeout: 5_000 }).toHaveLength(2);
  expect((await titles())[1]).toBe('3 drafts ready for approval');

  const holder = pages[(await Promise.all(pages.map((p) => p.evaluate(() => (window as any).__notes.length)))).findIndex((n) => n > 0)];
  await holder.evaluate(() => (window as any).__notes[0].onclick());
  await expect(holder).toHaveURL(/\/approvals$/);
  await expect(holder.getByRole('heading', { name: 'Approvals' })).toBeVisible();

  // Turned off: nothing more.
  await hydrated(holder);
  await holder.getByTestId('notifications-toggle').click();
  await expect(holder.getByTestId('notifications-toggle')).toHaveText('Enable notifications');
  const shown = (await titles()).length;
  insertDraft(freshContact(8).id, 'Quiet please');
  await new Promise((r) => setTimeout(r, 2_500));
  expect((await titles()).length).toBe(shown);
  await context.close();
});

test('assigning a task shows it at once, then its badge follows the agent live', async ({ page }) => {
  const errors = collectErrors(page);
  acmeAgent();
  const contact = freshContact(9);
  await signIn(page, 'organizer@acme.example');
  await page.goto(`/contacts/${contact.id}`);
  await expect(page.getByTestId('contact-name')).toHaveText(contact.name);
  await hydrated(page);
  await expect(pill(page)).toHaveAttribute('data-state', 'live');
  // Hold the server's answer back: the task must show before it arrives.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/sf/assign_task**', async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole('button', { name: 'Assign task' }).click();
  const row = page.getByTestId('task-list').locator('.task-row').first();
  await expect(row).toBeVisible({ timeout: 500 });
  await expect(row).toHaveAttribute('data-optimistic', 'true');
  await expect(row.locator('[data-badge="task-status"]')).toHaveAttribute('data-status', 'pending');
  release();
  await expect(page.getByTestId('task-list').locator('.task-row[data-optimistic="false"]')).toHaveCount(1);
  await expect(page.getByTestId('task-list').locator('.task-row')).toHaveCount(1);
  const task = psql(`SELECT id FROM agent_tasks WHERE contact_id = '${contact.id}'`);

  // The agent picks it up and finishes: the panel and the contact's card follow.
  psql(`UPDATE agent_tasks SET status = 'in_progress', started_at = now(), finish_at = now() WHERE id = '${task}'`);
  await expect(page.locator(`[data-task-id="${task}"] [data-badge="task-status"]`)).toHaveAttribute('data-status', 'in_progress');
  await page.goto(`/contacts?q=${encodeURIComponent(contact.name)}`);
  await hydrated(page);
  const badge = page.locator(`[data-contact-id="${contact.id}"] [data-badge="task"]`);
  await expect(badge).toHaveText('Agent working');
  const draft = psql(`WITH d AS (INSERT INTO drafts (organization_id, contact_id, task_id, agent_id, channel, body)
        SELECT organization_id, contact_id, id, agent_id, 'email', 'Done' FROM agent_tasks WHERE id = '${task}' RETURNING id)
      UPDATE agent_tasks SET status = 'completed', completed_at = now(), draft_id = (SELECT id FROM d) WHERE id = '${task}' RETURNING draft_id`);
  await expect(badge).toHaveText('Draft ready');
  psql(`UPDATE drafts SET status = 'rejected', decided_at = now() WHERE id = '${draft}'`);
  await expect(badge).toHaveText('Draft rejected');
  expect(errors).toEqual([]);
});

test('operators see agent work but cannot act on it', async ({ page }) => {
  const draft = insertDraft(freshContact(10).id, 'Read only');
  await signIn(page, 'operator@acme.example');
  await openApprovals(page);
  await expect(card(page, draft)).toBeVisible();
  await expect(card(page, draft).getByRole('button', { name: 'Approve' })).toHaveCount(0);
  for (const path of ['/agents', '/follow-ups', '/contacts']) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.locator('main h1')).toBeVisible();
  }
  await expect(page.getByTestId('assign-form')).toHaveCount(0);
});
