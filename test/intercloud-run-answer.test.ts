import t from 'tap';
import { latestPoint } from '../src/sources/intercloud/run-answer.js';

const T1 = '2026-12-02T10:00:00Z';
const T2 = '2026-12-02T10:05:00Z';
const T3 = '2026-12-02T10:10:00+01:00';
const ms = (iso: string) => Date.parse(iso);
const answer = (...series: unknown[]) => ({ type: 'timeserie', Results: [{ Series: series, Messages: null }] });
const serie = (values: unknown, columns: unknown = ['time', 'sum']) => ({ name: 'interface_snmp', columns, values });

// Each case is read by the quick reading or handed to the checked one; either
// way the answer must be the same as the checked reading's alone.
const cases: Array<[string, unknown, { time: number; value: number } | undefined | RegExp]> = [
  [
    'the usual answer',
    answer(
      serie([
        [T1, 800],
        [T2, 1600],
      ]),
    ),
    { time: ms(T2), value: 1600 },
  ],
  [
    'the newest point wins whatever the order',
    answer(
      serie([
        [T2, 5],
        [T1, 7],
      ]),
    ),
    { time: ms(T2), value: 5 },
  ],
  [
    'nulls are no data',
    answer(
      serie([
        [T1, 3],
        [T2, null],
      ]),
    ),
    { time: ms(T1), value: 3 },
  ],
  ['only nulls', answer(serie([[T1, null]])), undefined],
  ['a zero is a value', answer(serie([[T1, 0]])), { time: ms(T1), value: 0 }],
  ['no Results', { type: 'timeserie' }, undefined],
  ['null Results', { Results: null }, undefined],
  ['empty Results', { Results: [] }, undefined],
  ['null Series', { Results: [{ Series: null }] }, undefined],
  ['empty values', answer(serie([])), undefined],
  ['null values', answer(serie(null)), undefined],
  ['an empty body', null, undefined],
  ['columns absent: time then value', answer({ values: [[T1, 4]] }), { time: ms(T1), value: 4 }],
  ['time in the second column', answer(serie([[9, T1]], ['sum', 'time'])), { time: ms(T1), value: 9 }],
  ['two time columns: the first is the time', answer(serie([[T1, 6]], ['time', 'time'])), { time: ms(T1), value: 6 }],
  ['three columns', answer(serie([[T1, 2, 'x']], ['time', 'sum', 'unit'])), { time: ms(T1), value: 2 }],
  ['a numeric string value', answer(serie([[T1, '12.5']])), { time: ms(T1), value: 12.5 }],
  [
    'a time zone offset',
    answer(
      serie([
        [T1, 1],
        [T3, 2],
      ]),
    ),
    { time: ms(T1), value: 1 },
  ],
  ['across series and results', { Results: [{ Series: [serie([[T1, 1]])] }, { Series: [serie([[T2, 2]]), serie([[T1, 3]])] }] }, { time: ms(T2), value: 2 }],
  ['a value that is no number', answer(serie([[T1, 'lots']])), /\$\.Results\[0\]\.Series\[0\]\.values\[0\]\[1\] should be a number, got the string "lots"/],
  ['a time that is no string', answer(serie([[12, 1]])), /\$\.Results\[0\]\.Series\[0\]\.values\[0\]\[0\] should be a string, got number 12/],
  ['a time that is no timestamp', answer(serie([['yesterday', 1]])), /\$\.Results\[0\]\.Series\[0\]\.values\[0\]\[0\] is not a timestamp/],
  ['a row that is no array', answer(serie([{ time: T1 }])), /\$\.Results\[0\]\.Series\[0\]\.values\[0\] should be an array, got an object/],
  ['values that are no array', answer(serie('none')), /\$\.Results\[0\]\.Series\[0\]\.values should be an array/],
  ['columns that are no array', answer(serie([[T1, 1]], 'time')), /\$\.Results\[0\]\.Series\[0\]\.columns should be an array/],
  ['a series that is no object', answer(7), /\$\.Results\[0\]\.Series\[0\] should be an object, got number 7/],
  ['Series that is no array', { Results: [{ Series: {} }] }, /\$\.Results\[0\]\.Series should be an array, got an object/],
  ['a result that is no object', { Results: [[]] }, /\$\.Results\[0\] should be an object, got an array/],
  ['Results that is no array', { Results: 'x' }, /\$\.Results should be an array/],
  ['a body that is no object', [1], /\$ should be an object, got an array/],
  [
    'a bad row after good ones still fails',
    answer(
      serie([
        [T1, 1],
        [T2, true],
      ]),
    ),
    /values\[1\]\[1\] should be a number, got boolean true/,
  ],
];

t.test('a stamp read before at the same row is reused only for the same stamp', async (t) => {
  t.same(latestPoint(answer(serie([[T1, 1]]))), { time: ms(T1), value: 1 }, 'first read');
  t.same(latestPoint(answer(serie([[T1, 2]]))), { time: ms(T1), value: 2 }, 'the same stamp again');
  t.same(latestPoint(answer(serie([[T2, 3]]))), { time: ms(T2), value: 3 }, 'a new stamp gets its own time');
  t.throws(() => latestPoint(answer(serie([['2024-13-01T00:00:00Z', 4]]))), /is not a timestamp/, 'a bad stamp after a good one');
  t.same(latestPoint(answer(serie([[T2, 5]]))), { time: ms(T2), value: 5 }, 'and a good one after the bad one');
  const rows = (n: number, at: (i: number) => string) => answer(serie(Array.from({ length: n }, (_, i) => [at(i), i])));
  const stamp = (minutes: number) => new Date(Date.UTC(2026, 11, 2, 0, minutes)).toISOString().replace('.000Z', 'Z');
  t.same(latestPoint(rows(100, (i) => stamp(5 * i))), { time: ms(stamp(495)), value: 99 }, 'more rows than the cache has places');
  t.same(latestPoint(rows(100, (i) => stamp(5 * (99 - i)))), { time: ms(stamp(495)), value: 0 }, 'the same stamps at other rows');
  t.same(latestPoint(rows(3, (i) => [T3, T1, T2][i]!)), { time: ms(T2), value: 2 }, 'an offset stamp at a row that held another');
});

t.test('the newest point of a /run answer, or the JSON path of what is wrong', async (t) => {
  for (const [name, body, want] of cases) {
    if (want instanceof RegExp) t.throws(() => latestPoint(body), want, name);
    else t.same(latestPoint(body), want, name);
  }
});
