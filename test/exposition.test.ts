import t from 'tap';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { CachedText, cacheText, escapeLabelValue, formatValue, renderKind, renderPart, renderTarget } from '../src/core/exposition.js';
import { gauge } from '../src/core/family.js';
import { parseExposition } from './helpers/exposition.js';

t.test('values and label escaping', async (t) => {
  t.equal(formatValue(Infinity), '+Inf');
  t.equal(formatValue(-Infinity), '-Inf');
  t.equal(formatValue(NaN), 'NaN');
  t.equal(formatValue(1.5e-7), '1.5e-7');
  t.equal(formatValue(2 ** 53 + 1), '9007199254740992');
  t.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  t.equal(escapeLabelValue('plain ünïcode'), 'plain ünïcode');
});

t.test('a part keeps each series once, whatever the order of its names and duplicates', async (t) => {
  const x = (k: string, value: number) => ({ name: 'x', labels: { k }, value });
  const y = (k: string, value: number) => ({ name: 'y', labels: { k }, value });
  const part = renderPart([x('1', 1), y('1', 2), x('2', 3), y('1', 4), x('1', 5), x('3', 6), x('2', 7), y('2', 8)], 't');
  t.same(part.names, ['x', 'y']);
  t.same(part.texts, ['x{target="t",k="1"} 1\nx{target="t",k="2"} 3\nx{target="t",k="3"} 6\n', 'y{target="t",k="1"} 2\ny{target="t",k="2"} 8\n']);
  t.equal(part.series, 5);
  t.same(part.invalid, []);
});

t.test('families are contiguous across targets, duplicates within a part written once, bad names dropped', async (t) => {
  const partA1 = renderPart(
    [
      { name: 'x_bytes', labels: { k: '1' }, value: 1 },
      { name: 'y_info', labels: { k: '1', l: 'q"' }, value: 1 },
    ],
    'a',
  );
  const partA2 = renderPart(
    [
      { name: 'x_bytes', labels: { k: '2' }, value: Infinity },
      { name: 'bad-name', labels: {}, value: 1 },
      { name: 'x_bytes', labels: { 'bad label': 'v' }, value: 1 },
      { name: 'x_bytes', labels: { target: 'spoof' }, value: 1 },
      { name: 'x_bytes', labels: { k: '2' }, value: 5 },
    ],
    'a',
  );
  t.equal(partA2.invalid.length, 3, 'bad metric name, bad label name, a spoofed target label');
  t.equal(partA2.series, 1, 'a duplicate within a part is dropped');
  const a = renderTarget([partA1, partA2]);
  t.equal(a.series, 3);
  const b = renderTarget([
    renderPart(
      [
        { name: 'x_bytes', labels: { k: '1' }, value: NaN },
        { name: 'z_undeclared', labels: {}, value: 2 },
      ],
      'b',
    ),
  ]);
  const pieces = renderKind(
    [gauge('x_bytes', 'Bytes with a back\\slash\nand newline.', ['k']), gauge('y_info', 'Info.'), gauge('never_emitted', 'Nothing.')],
    [a, b],
  );
  const text = pieces.join('');
  t.equal(
    text,
    [
      '# HELP x_bytes Bytes with a back\\\\slash\\nand newline.',
      '# TYPE x_bytes gauge',
      'x_bytes{target="a",k="1"} 1',
      'x_bytes{target="a",k="2"} +Inf',
      'x_bytes{target="b",k="1"} NaN',
      '# HELP y_info Info.',
      '# TYPE y_info gauge',
      'y_info{target="a",k="1",l="q\\""} 1',
      '# HELP z_undeclared z_undeclared (no description).',
      '# TYPE z_undeclared gauge',
      'z_undeclared{target="b"} 2',
      '',
    ].join('\n'),
  );
  t.equal(parseExposition(text).length, 5);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  t.equal(check.status, 0, check.stderr);
  const cached = await cacheText(pieces);
  t.equal(gunzipSync(cached.gzip).toString('utf8'), text);
  t.equal((await cached.plain()).toString('utf8'), text, 'plain text made from the gzip on demand');
  t.equal(await cached.plain(), await cached.plain(), 'and kept');
  const big = Array.from({ length: 3000 }, (_, i) => `big_metric{target="t",i="${i}",pad="${'x'.repeat(200)}"} ${i}\n`);
  t.equal(gunzipSync((await cacheText(big)).gzip).toString('utf8'), big.join(''), 'text larger than a batch compresses whole, in order');
  t.equal((await new CachedText(Buffer.alloc(0)).plain()).length, 0, 'a kind with no series yet is empty, not a broken gzip');
  const wide = ['caf\u00e9 ', '\u{1F600}', '\n'];
  t.equal((await (await cacheText(wide)).plain()).toString('utf8'), wide.join(''), 'multi-byte characters keep their place between pieces');
  // Pieces of 1-, 2-, 3- and 4-byte characters over several batches, with
  // pieces too large for any batch between them, and one at the very end.
  const mixed: string[] = [];
  for (let i = 0; i < 4000; i++) mixed.push(`m{i="${i}",v="${['a', '\u00e9', '\u20ac', '\u{1F600}'][i % 4]!.repeat(i % 97)}"} ${i}\n`);
  mixed.splice(1500, 0, `huge{v="${'\u20ac'.repeat(100_000)}"} 1\n`);
  mixed.splice(3000, 0, `huge{v="${'x'.repeat(300_000)}"} 2\n`);
  mixed.push(`huge{v="${'\u{1F600}'.repeat(50_000)}"} 3\n`);
  t.equal(gunzipSync((await cacheText(mixed)).gzip).toString('utf8'), mixed.join(''), 'every piece whole and in order, whatever its size and characters');
  t.equal(gunzipSync((await cacheText([])).gzip).length, 0, 'no pieces: an empty text');
});
