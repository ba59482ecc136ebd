import t from 'tap';
import { asLimit, asQuantity, bigIntegerOf, parseAstakosJson } from '../src/sources/astakos/parse.js';

t.test('2^63-1 is told apart from its neighbours and becomes +Inf only as a limit', async (t) => {
  const data = parseAstakosJson('{"a": 9223372036854775807, "b": 9223372036854775806, "c": -9223372036854775808}') as Record<string, unknown>;
  t.equal(bigIntegerOf(data.a), 2n ** 63n - 1n);
  t.equal(bigIntegerOf(data.b), 2n ** 63n - 2n);
  t.equal(bigIntegerOf(data.c), -(2n ** 63n));
  t.equal(asLimit(data.a, '$.a'), Infinity);
  t.ok(Number.isFinite(asLimit(data.b, '$.b')), '2^63-2 is a (huge) finite limit');
  t.equal(asQuantity(data.a, '$.a'), 2 ** 63, 'a usage that large is a number, not unlimited');
});

t.test('integers above 2^53 keep their value to double precision; safe ones stay plain numbers', async (t) => {
  const data = parseAstakosJson('[9007199254740993,\n 1152921504606846977 , 9007199254740991, 1000000000000000, 1.5e300, 12]') as unknown[];
  t.same(data.slice(0, 2).map(bigIntegerOf), [2n ** 53n + 1n, 2n ** 60n + 1n]);
  t.same(data.slice(2), [9007199254740991, 1000000000000000, 1.5e300, 12]);
  t.equal(asLimit(data[1], '$[1]'), 2 ** 60);
  t.equal(asQuantity(data[0], '$[0]'), 2 ** 53);
  t.equal(bigIntegerOf(parseAstakosJson('12345678901234567890')), 12345678901234567890n, 'a bare top-level number');
});

t.test('digits inside strings are left alone, even where they look like a value', async (t) => {
  const text = '{"name": "9223372036854775807", "q\\"x": "a\\\\\\" ,12345678901234567890]", "n": 12345678901234567890, "d": 1.12345678901234567}';
  const data = parseAstakosJson(text) as Record<string, unknown>;
  t.equal(data.name, '9223372036854775807');
  t.equal(data['q"x'], 'a\\" ,12345678901234567890]');
  t.equal(bigIntegerOf(data.n), 12345678901234567890n);
  t.equal(data.d, Number('1.12345678901234567'), 'a float rounded as JSON.parse rounds it');
  t.equal(asLimit(data.name, '$.name'), Infinity, 'a quoted 2^63-1 is unlimited too');
});

t.test('a string an upstream sends never passes for a big integer', async (t) => {
  const data = parseAstakosJson('{"x": "\\u0000big:9223372036854775807", "y": 12345678901234567890}') as Record<string, unknown>;
  t.equal(bigIntegerOf(data.x), undefined);
  t.throws(() => asLimit(data.x, '$.x'), /should be a number/);
});

t.test('a limit that arrives as a double or a string is still recognised as unlimited', async (t) => {
  t.equal(asLimit(9.223372036854776e18, '$'), Infinity);
  t.equal(asLimit('9223372036854775807', '$'), Infinity);
  t.equal(asLimit('1073741824', '$'), 1073741824);
  t.equal(asLimit(0, '$'), 0);
});

t.test('malformed bodies and non-numbers are errors, never a made-up value', async (t) => {
  t.throws(() => parseAstakosJson('{"a": 12345678901234567890'));
  t.throws(() => parseAstakosJson('{12345678901234567890: 1}'));
  t.throws(() => parseAstakosJson('{"a": "x, 12345678901234567890}", 12345678901234567890: 1}'));
  t.throws(() => asLimit(null, '$.x.limit'), /\$\.x\.limit should be a number/);
  t.throws(() => asQuantity('lots', '$.usage'), /should be a number/);
  t.throws(() => asQuantity(NaN, '$.usage'), /should be a number/);
});
