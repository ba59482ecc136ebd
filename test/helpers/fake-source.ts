import { setTimeout as delay } from 'node:timers/promises';
import { secretField } from '../../src/config/fields.js';
import { StaticTokenProvider } from '../../src/core/auth/static.js';
import { gauge } from '../../src/core/family.js';
import { CycleResult } from '../../src/core/series.js';
import { asArray, asNumber, asObject, asString } from '../../src/core/shape.js';
import { defineSource, type TargetConfig } from '../../src/core/source.js';
import { SimServer } from '../../src/simulator/server.js';
import { bearer } from '../../src/simulator/tokens.js';

export const FAKE_TOKEN = 'fake-upstream-token-0123456789';

/**
 * A minimal upstream for the core's tests: a list of items, each with a value
 * behind its own request, so tests can fail the list (whole cycle) or one
 * item (one part) and delete items between cycles.
 */
export class FakeUpstream {
  readonly sim = new SimServer({ errorBody: (status, message) => ({ error: { status, message } }) });
  readonly items = new Map<string, { name: string; value: number }>();
  /** Artificial duration of each item request (for overrun and shutdown tests). */
  itemDelayMs = 0;
  /** The bearer token it accepts; change it to rotate the credentials. */
  token = FAKE_TOKEN;

  constructor(count = 3) {
    for (let i = 1; i <= count; i++) this.items.set(String(i), { name: `item ${i}`, value: i * 10 });
    const authorised = (h: string | string[] | undefined) => bearer(h) === this.token;
    // Like some real APIs, the refusal quotes the credentials it was given: the exporter must not log them.
    const refuse = (h: string | string[] | undefined) => ({ status: 401, body: { error: { status: 401, message: `bad token: ${String(h)}` } } });
    this.sim.route('GET', '/items', (req) => {
      if (!authorised(req.headers.authorization)) return refuse(req.headers.authorization);
      return { body: [...this.items].map(([id, it]) => ({ id, name: it.name })) };
    });
    this.sim.route('GET', '/items/:id', async (req) => {
      if (!authorised(req.headers.authorization)) return refuse(req.headers.authorization);
      if (this.itemDelayMs) await delay(this.itemDelayMs);
      const item = this.items.get(req.params.id!);
      return item ? { body: { value: item.value } } : { status: 404, body: { error: { status: 404, message: 'no such item' } } };
    });
  }

  listen(): Promise<string> {
    return this.sim.listen();
  }

  close(): Promise<void> {
    return this.sim.close();
  }
}

type FakeTarget = TargetConfig & { auth: { token: string } };

const itemValue = gauge('fake_item_value', 'Value of an item.', ['item_id']);
const itemInfo = gauge('fake_item_info', 'Always 1; names the item.', ['item_id', 'name']);

export const fakeSource = defineSource({
  kind: 'fake',
  schema: { auth: { ...secretField('token', 'Bearer token of the fake upstream') } },
  defaults: { interval: '1m' },
  families: () => [itemValue, itemInfo],
  createAuth: (target: FakeTarget) => new StaticTokenProvider(target.auth.token),
  createCollector(_target, { http, auth }) {
    return {
      async collect(ctx) {
        const common = { auth, signal: ctx.signal, deadline: ctx.deadline };
        const list = await http.request({ path: '/items', route: '/items', ...common });
        const items = asArray(list.data, '$').map((it, i) => {
          const o = asObject(it, `$[${i}]`);
          return { id: asString(o.id, `$[${i}].id`), name: asString(o.name, `$[${i}].name`) };
        });
        const result = new CycleResult(ctx);
        await Promise.all(
          items.map((it) =>
            result.part(`item/${it.id}`, async () => {
              const res = await http.request({ path: `/items/${encodeURIComponent(it.id)}`, route: '/items/:id', ...common });
              const value = asNumber(asObject(res.data, '$').value, '$.value');
              return [itemInfo.sample({ item_id: it.id, name: it.name }, 1), itemValue.sample({ item_id: it.id }, value)];
            }),
          ),
        );
        return result;
      },
    };
  },
});
