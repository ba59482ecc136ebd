import type { TargetState } from './core/snapshot.js';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function row(t: TargetState): string {
  const last = t.last;
  const cells = last
    ? [
        new Date(last.startedAt).toISOString(),
        last.success ? 'ok' : 'failed',
        `${(last.durationMs / 1000).toFixed(2)} s`,
        String(t.rendered.series),
        last.errors.join('\n'),
      ]
    : ['pending', '', '', '0', ''];
  return `<tr><td>${esc(t.kind)}</td><td>${esc(t.config.name)}</td>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
}

/** The page an operator sees at `/`: what is configured and how its last cycle went. */
export function landingPage(targets: readonly TargetState[], version: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>capacity-exporter</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}td:last-child{white-space:pre-wrap;max-width:40em}</style>
</head><body>
<h1>capacity-exporter ${esc(version)}</h1>
<p><a href="/metrics">/metrics</a> &middot; <a href="/readyz">/readyz</a> &middot; <a href="/healthz">/healthz</a></p>
<table><thead><tr><th>source</th><th>target</th><th>last cycle</th><th>result</th><th>duration</th><th>series</th><th>last error</th></tr></thead>
<tbody>
${targets.map(row).join('\n')}
</tbody></table>
</body></html>
`;
}
