import t from 'tap';
import { fitLine } from './bench/stats.js';

t.test('the soak slope: a straight line fits with no error, scattered readings with some', async (t) => {
  t.same(
    fitLine([
      [0, 1],
      [1, 3],
      [2, 5],
    ]),
    { slope: 2, stdErr: 0 },
  );
  // y = 1.5 + 0.8 (x - 1.5) leaves residuals 0.2, -0.6, 0.6, -0.2: s^2 = 0.8 / (4 - 2), sxx = 5, so the standard error is sqrt(0.08).
  const scattered = fitLine([
    [0, 0.5],
    [1, 0.5],
    [2, 2.5],
    [3, 2.5],
  ]);
  t.ok(Math.abs(scattered.slope - 0.8) < 1e-9, `least squares, not the end points: ${scattered.slope}`);
  t.ok(Math.abs(scattered.stdErr - Math.sqrt(0.08)) < 1e-9, `standard error ${scattered.stdErr}`);
  t.ok(Number.isNaN(fitLine([[0, 1]]).slope), 'one point has no slope');
  t.ok(
    Number.isNaN(
      fitLine([
        [0, 1],
        [1, 2],
      ]).stdErr,
    ),
    'two points have a slope but no scatter to judge it by',
  );
});
