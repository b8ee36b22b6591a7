import { test, expect, Browser, Page } from '@playwright/test';
import { hydrated, openCampaign, psql, signIn } from './support';

/** A signed-in browser of its own (cookies, storage and tabs apart from the others). */
async function browserOf(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** A fresh trip of Amelia Hart (Acme) for one test, so tests never share a record. */
function newTrip(title: string): string {
  return psql(
    `INSERT INTO trips (organization_id, client_id, title, destination, budget_cents)
     SELECT organization_id, id, '${title}', 'Porto', 120000 FROM clients WHERE name = 'Amelia Hart'
     RETURNING id`,
  );
}

async function openTrip(page: Page, id: string) {
  await page.goto(`/trips/${id}`);
  await expect(page.getByTestId('record-title')).toBeVisible();
  await hydrated(page);
}

function input(page: Page, field: string) {
  return page.locator(`[data-field="${field}"]`).locator('input, textarea, select');
}

async function settled(page: Page, field: string) {
  await expect(page.locator(`[data-field="${field}"]`)).toHaveAttribute('data-pending', 'false', { timeout: 10_000 });
}

test('two browsers edit different fields of one trip and both end with both edits', async ({ browser }) => {
  const id = newTrip('Different fields');
  const ada = await browserOf(browser, 'organizer@acme.example');
  const bob = await browserOf(browser, 'admin@acme.example');
  await openTrip(ada, id);
  await openTrip(bob, id);
  await input(ada, 'destination').fill('Lisbon, Portugal');
  await input(ada, 'destination').press('Tab');
  await input(bob, 'notes').fill('Window seats, please');
  await input(bob, 'notes').press('Tab');
  for (const page of [ada, bob]) {
    await expect(input(page, 'destination')).toHaveValue('Lisbon, Portugal', { timeout: 10_000 });
    await expect(input(page, 'notes')).toHaveValue('Window seats, please', { timeout: 10_000 });
    await settled(page, 'destination');
    await settled(page, 'notes');
  }
  expect(psql(`SELECT destination || '|' || notes FROM trips WHERE id = '${id}'`)).toBe('Lisbon, Portugal|Window seats, please');
  // Ada sees who changed the notes, in a notice and in the history.
  await expect(ada.getByTestId('edit-notices')).toContainText('Acme Admin updated the notes');
  await expect(ada.getByTestId('history')).toContainText('Acme Admin changed Notes');
  // Operators read the trip; they get no inputs.
  const olga = await browserOf(browser, 'operator@acme.example');
  await openTrip(olga, id);
  await expect(olga.locator('[data-field="notes"] [data-testid="value"]')).toHaveText('Window seats, please');
  await expect(input(olga, 'notes')).toHaveCount(0);
  await expect(olga.getByTestId('delete-record')).toHaveCount(0);
  for (const p of [ada, bob, olga]) await p.context().close();
});

test('the same field edited in two browsers shows the second a conflict it resolves', async ({ browser }) => {
  const id = newTrip('Same field');
  const ada = await browserOf(browser, 'organizer@acme.example');
  const bob = await browserOf(browser, 'admin@acme.example');
  await openTrip(ada, id);
  await openTrip(bob, id);
  // Bob starts editing the budget from $1,200.00 ...
  await input(bob, 'budget_cents').click();
  // ... while Ada saves hers.
  await input(ada, 'budget_cents').fill('1500');
  await input(ada, 'budget_cents').press('Tab');
  await settled(ada, 'budget_cents');
  await input(bob, 'budget_cents').fill('2000');
  await input(bob, 'budget_cents').press('Tab');
  const conflict = bob.getByTestId('conflict');
  await expect(conflict).toBeVisible({ timeout: 10_000 });
  await expect(conflict.getByTestId('theirs')).toContainText('$1,500.00');
  await expect(conflict.getByTestId('theirs')).toContainText('Acme Organizer');
  await expect(conflict.getByTestId('mine')).toHaveText('$2,000.00');
  await expect(conflict.getByTestId('base')).toHaveText('$1,200.00');
  // Keyboard: the first choice has focus; Tab to "Keep mine" and press it.
  await expect(conflict.getByRole('button', { name: 'Keep theirs' })).toBeFocused();
  await bob.keyboard.press('Tab');
  await expect(conflict.getByRole('button', { name: 'Keep mine' })).toBeFocused();
  await bob.keyboard.press('Enter');
  await expect(conflict).toHaveCount(0);
  for (const page of [ada, bob]) {
    await expect(input(page, 'budget_cents')).toHaveValue('2000.00', { timeout: 10_000 });
  }
  expect(psql(`SELECT budget_cents FROM trips WHERE id = '${id}'`)).toBe('200000');
  for (const p of [ada, bob]) await p.context().close();
});

test('an edit made while the server is unreachable survives a reload and is saved once when it is back', async ({ browser }) => {
  const id = newTrip('Offline edit');
  const ada = await browserOf(browser, 'organizer@acme.example');
  await openTrip(ada, id);
  const block = (route: import('@playwright/test').Route) =>
    route.request().method() === 'PATCH' ? route.abort('internetdisconnected') : route.continue();
  await ada.route('**/api/trips/**', block);
  await input(ada, 'notes').fill('Written offline');
  await input(ada, 'notes').press('Tab');
  const waiting = ada.getByTestId('pending-edits');
  await expect(waiting).toHaveText('1 change waiting', { timeout: 10_000 });
  await ada.reload();
  await hydrated(ada);
  await expect(waiting).toHaveText('1 change waiting', { timeout: 10_000 });
  await expect(input(ada, 'notes')).toHaveValue('Written offline');
  await expect(ada.locator('[data-field="notes"]')).toHaveAttribute('data-pending', 'true');
  expect(psql(`SELECT notes FROM trips WHERE id = '${id}'`)).toBe('');
  await ada.unroute('**/api/trips/**', block);
  await expect(waiting).toHaveCount(0, { timeout: 15_000 });
  await settled(ada, 'notes');
  expect(psql(`SELECT notes || '|' || version FROM trips WHERE id = '${id}'`)).toBe('Written offline|2');
  expect(psql(`SELECT count(*) FROM record_history WHERE record_id = '${id}' AND op = 'UPDATE'`)).toBe('1');
  await ada.context().close();
});

test('a change made with psql appears at once and in the history as sql', async ({ browser }) => {
  const id = newTrip('Outside writer');
  const ada = await browserOf(browser, 'organizer@acme.example');
  await openTrip(ada, id);
  psql(`UPDATE trips SET destination = 'Madeira' WHERE id = '${id}'`);
  await expect(input(ada, 'destination')).toHaveValue('Madeira', { timeout: 10_000 });
  await expect(ada.locator('[data-field="destination"]')).toHaveAttribute('data-highlighted', 'true');
  await expect(ada.getByTestId('history').locator('li[data-actor="sql"]', { hasText: 'changed Destination' })).toContainText('sql changed Destination');
  expect(psql(`SELECT actor FROM realtime.changes WHERE table_name = 'trips' AND new_row->>'id' = '${id}' ORDER BY id DESC LIMIT 1`)).toBe('sql');
  await ada.context().close();
});

test('a bid change in one browser appears in the other with who set it', async ({ browser }) => {
  const ada = await browserOf(browser, 'organizer@acme.example');
  const bob = await browserOf(browser, 'admin@acme.example');
  await openCampaign(ada, 'Holiday Preview');
  await openCampaign(bob, 'Holiday Preview');
  const before = Number(psql(`SELECT bid_cents FROM campaigns WHERE name = 'Holiday Preview'`));
  const after = `$${Math.floor((before + 5) / 100)}.${String((before + 5) % 100).padStart(2, '0')}`;
  await ada.getByRole('button', { name: 'Raise the bid by 5 cents' }).click();
  await expect(ada.getByTestId('current-bid')).toHaveText(after);
  await expect(bob.getByTestId('current-bid')).toHaveText(after, { timeout: 10_000 });
  await expect(bob.getByTestId('bid-set-by')).toContainText('Acme Organizer');
  await expect(bob.getByTestId('bid-history').locator('li').first()).toContainText(after);
  expect(psql(`SELECT bid_cents FROM campaigns WHERE name = 'Holiday Preview'`)).toBe(String(before + 5));
  for (const p of [ada, bob]) await p.context().close();
});

test('deleting a trip asks first, leaves for its client, and another browser on it sees it deleted', async ({ browser }) => {
  const id = newTrip('To delete');
  const ada = await browserOf(browser, 'organizer@acme.example');
  const bob = await browserOf(browser, 'admin@acme.example');
  await openTrip(ada, id);
  await openTrip(bob, id);
  const panel = ada.getByTestId('delete-record');
  await panel.getByRole('button', { name: 'Delete this trip…' }).click();
  // Asking first: focus on Cancel, and Escape takes the question back.
  await expect(panel.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await ada.keyboard.press('Escape');
  await expect(panel.getByRole('button', { name: 'Delete trip' })).toHaveCount(0);
  expect(psql(`SELECT count(*) FROM trips WHERE id = '${id}'`)).toBe('1');
  await panel.getByRole('button', { name: 'Delete this trip…' }).click();
  await panel.getByRole('button', { name: 'Delete trip' }).click();
  await expect(ada).toHaveURL(/\/clients\/[0-9a-f-]+$/);
  await expect(ada.getByTestId('trip-list')).not.toContainText('To delete');
  expect(psql(`SELECT count(*) FROM trips WHERE id = '${id}'`)).toBe('0');
  // Bob, still on the trip, is told; its inputs can no longer save and the button is gone.
  await expect(bob.getByText('This trip was deleted')).toBeVisible({ timeout: 10_000 });
  await expect(bob.getByTestId('delete-record')).toHaveCount(0);
  for (const p of [ada, bob]) await p.context().close();
});

/** p50 / p95 / max of a list of milliseconds, for the log line `make bench` keeps. */
function spread(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)].toFixed(1);
  return `p50 ${at(0.5)} / p95 ${at(0.95)} / max ${s[s.length - 1].toFixed(1)}`;
}

test('editing latency: an edit shows at once, is confirmed and reaches another browser, and the timings are recorded', async ({ browser }) => {
  const samples = Number(process.env.EDIT_SAMPLES ?? 10);
  const id = newTrip('Latency');
  const ada = await browserOf(browser, 'organizer@acme.example');
  const bob = await browserOf(browser, 'admin@acme.example');
  await openTrip(ada, id);
  await openTrip(bob, id);
  const apply: number[] = [];
  const confirm: number[] = [];
  const seen: number[] = [];
  for (let i = 0; i < samples; i++) {
    const value = `Porto ${i}`;
    // Bob's page notes (on the machine's clock) when his field first shows Ada's value; it
    // looks every 4 ms, so a figure is at most that late.
    await bob.evaluate((value) => {
      const el = document.querySelector('[data-field="destination"] input') as HTMLInputElement;
      const deadline = performance.now() + 10_000;
      (window as any).seen = new Promise<number>((resolve, reject) => {
        const look = () => {
          if (el.value === value) resolve(performance.timeOrigin + performance.now());
          else if (performance.now() > deadline) reject(new Error(`never saw ${value}`));
          else setTimeout(look, 4);
        };
        look();
      });
    }, value);
    // Ada types the value and leaves the field (the change event saves it); her page times
    // the field showing it marked pending (local apply) and the mark going (confirmed).
    const ada_ = await ada.evaluate((value) => new Promise<{ t0: number; apply: number; confirm: number }>((resolve, reject) => {
      const wrap = document.querySelector('[data-field="destination"]')!;
      const el = wrap.querySelector('input') as HTMLInputElement;
      let applied = -1;
      const t0 = performance.now();
      const watch = new MutationObserver(() => {
        const now = performance.now();
        const pending = wrap.getAttribute('data-pending');
        if (applied < 0 && pending === 'true' && el.value === value) applied = now - t0;
        if (applied >= 0 && pending === 'false') {
          watch.disconnect();
          resolve({ t0: performance.timeOrigin + t0, apply: applied, confirm: now - t0 });
        }
      });
      watch.observe(wrap, { attributes: true, attributeFilter: ['data-pending'] });
      setTimeout(() => { watch.disconnect(); reject(new Error(`${value} not confirmed in 10 s`)); }, 10_000);
      el.focus();
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      el.blur();
    }), value);
    const bobAt = await bob.evaluate(() => (window as any).seen as Promise<number>);
    apply.push(ada_.apply);
    confirm.push(ada_.confirm);
    seen.push(bobAt - ada_.t0);
  }
  const last = `Porto ${samples - 1}`;
  expect(psql(`SELECT destination || '|' || version FROM trips WHERE id = '${id}'`)).toBe(`${last}|${samples + 1}`);
  await expect(input(ada, 'destination')).toHaveValue(last);
  await expect(input(bob, 'destination')).toHaveValue(last);
  console.log(`editing latency (${samples} edits of one trip field), ms: local apply ${spread(apply)}; ` +
    `own edit confirmed ${spread(confirm)}; another browser sees it ${spread(seen)}`);
  for (const p of [ada, bob]) await p.context().close();
});
