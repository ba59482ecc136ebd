import t from 'tap';
import { RequestFifo } from '../src/core/request-fifo.js';

t.test('first in, first out, abandoned requests skipped, across compactions', async (t) => {
  const fifo = new RequestFifo();
  const ran: number[] = [];
  const tickets = Array.from({ length: 3000 }, (_, i) => ({ abandoned: i % 3 === 1 }));
  tickets.forEach((ticket, i) => fifo.enqueue(async () => void ran.push(i), { ticket }));
  t.equal(fifo.size, 3000);
  while (fifo.size > 0) await fifo.dequeue()();
  t.same(
    ran,
    Array.from({ length: 3000 }, (_, i) => i).filter((i) => i % 3 !== 1),
    'every live request once, in order',
  );
});

t.test('a queue of only abandoned requests yields one no-op, then is empty', async (t) => {
  const fifo = new RequestFifo();
  let ran = 0;
  for (let i = 0; i < 5; i++)
    fifo.enqueue(
      async () => {
        ran++;
      },
      { ticket: { abandoned: true } },
    );
  await fifo.dequeue()();
  t.equal(ran, 0);
  t.equal(fifo.size, 0);
  fifo.enqueue(async () => {
    ran++;
  });
  await fifo.dequeue()();
  t.equal(ran, 1, 'a request without a ticket always runs');
});
