import { pick } from '../rng.js';

const ODD = ['Acme "Cloud" Ops', 'Back\\slash Networks', 'Zürich–Genève Réseaux', 'Two\nLines Ltd', 'Ünïcødé 🚀 Hosting'];

/** The `n`th organisation's name; with `odd`, every fourth one needs escaping in a label. */
export function organisationName(rng: () => number, n: number, odd: boolean): string {
  if (odd && n % 4 === 0) return pick(rng, ODD);
  const a = pick(rng, ['Nordic', 'Atlas', 'Blue', 'Helios', 'Orion', 'Vertex', 'Alpine', 'Coral', 'Delta', 'Iris']);
  const b = pick(rng, ['Cloud', 'Networks', 'Data', 'Telecom', 'Systems', 'Hosting', 'Digital', 'Connect']);
  return `${a} ${b} ${n}`;
}

export function groupName(rng: () => number, index: number): string {
  const base = pick(rng, ['Europe', 'Production', 'Backup', 'Analytics', 'Web', 'ERP', 'Asia', 'Americas']);
  return `${base} ${index + 1}`;
}
