import t from 'tap';
import { backoffDelay, parseRetryAfter, sleep } from '../src/core/retry.js';

t.test('backoffDelay: full jitter within [0, min(max, base * 2^attempt)]', async (t) => {
  for (let attempt = 0; attempt < 12; attempt++) {
    const cap = Math.min(1000, 100 * 2 ** attempt);
    t.equal(
      backoffDelay(attempt, 100, 1000, () => 0),
      0,
      `attempt ${attempt}: lowest draw waits 0`,
    );
    const top = backoffDelay(attempt, 100, 1000, () => 0.999999);
    t.ok(top <= cap && top > cap * 0.99, `attempt ${attempt}: highest draw ${top} just under the cap ${cap}`);
    t.equal(
      backoffDelay(attempt, 100, 1000, () => 0.5),
      cap / 2,
      `attempt ${attempt}: the draw scales the cap`,
    );
  }
});

t.test('backoffDelay with the real random source stays in range and spreads', async (t) => {
  const draws = Array.from({ length: 2000 }, () => backoffDelay(3, 200, 10_000));
  t.ok(
    draws.every((d) => d >= 0 && d <= 1600),
    'every draw in [0, 1600]',
  );
  t.ok(Math.min(...draws) < 200, 'some draws near the bottom');
  t.ok(Math.max(...draws) > 1400, 'some draws near the top');
  t.ok(new Set(draws).size > 1900, 'draws are jittered, not a fixed step');
});

t.test('backoffDelay never exceeds the maximum, even for huge attempt numbers', async (t) => {
  for (const attempt of [20, 50, 1000]) {
    const d = backoffDelay(attempt, 200, 10_000, () => 0.999999);
    t.ok(Number.isFinite(d) && d <= 10_000, `attempt ${attempt}: ${d}`);
  }
});

t.test('parseRetryAfter: delay-seconds', async (t) => {
  t.equal(parseRetryAfter('0'), 0);
  t.equal(parseRetryAfter('1'), 1000);
  t.equal(parseRetryAfter('120'), 120_000);
  t.equal(parseRetryAfter(' 7 '), 7000, 'surrounding whitespace tolerated');
  t.equal(parseRetryAfter(['3', '9']), 3000, 'first of repeated headers');
});

t.test('parseRetryAfter: HTTP-date', async (t) => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  t.equal(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', now), 30_000);
  t.equal(parseRetryAfter(new Date(now + 5000).toUTCString(), now), 5000);
  t.equal(parseRetryAfter('Mon, 23 Nov 2026 09:59:00 GMT', now), 0, 'a date in the past means retry now');
  const live = parseRetryAfter(new Date(Date.now() + 10_000).toUTCString());
  t.ok(live !== undefined && live > 8000 && live <= 10_000, `default now is the clock: ${live}`);
});

t.test('parseRetryAfter: absent or garbage gives undefined', async (t) => {
  t.equal(parseRetryAfter(undefined), undefined);
  t.equal(parseRetryAfter(''), undefined);
  t.equal(parseRetryAfter('   '), undefined);
  t.equal(parseRetryAfter([]), undefined);
  t.equal(parseRetryAfter('soon'), undefined);
  t.equal(parseRetryAfter('not a date at all'), undefined);
  t.equal(parseRetryAfter('Mon, 99 Foo 2026 99:99:99 GMT'), undefined);
});

t.test('sleep waits and can be cancelled', async (t) => {
  const started = Date.now();
  await sleep(50);
  t.ok(Date.now() - started >= 45, 'waited about 50 ms');

  const ac = new AbortController();
  const cancelled = Date.now();
  setTimeout(() => ac.abort(new Error('stop')), 20);
  await t.rejects(sleep(5000, ac.signal), { message: 'stop' });
  t.ok(Date.now() - cancelled < 1000, 'rejected promptly on abort');

  await t.rejects(sleep(5000, AbortSignal.abort(new Error('already'))), { message: 'already' }, 'an aborted signal rejects at once');
});
