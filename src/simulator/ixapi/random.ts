import { rngUuid } from '../rng.js';

// Values drawn from the world's rng, so that a seed gives the same credentials, ids and keys every time.

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function alnum(rng: () => number, n: number): string {
  return Array.from({ length: n }, () => ALNUM[Math.floor(rng() * ALNUM.length)]).join('');
}

/** `n` decimal digits without a leading zero. */
export function digits(rng: () => number, n: number): string {
  return Array.from({ length: n }, (_, i) => String(Math.floor(rng() * (i === 0 ? 9 : 10)) + (i === 0 ? 1 : 0))).join('');
}

export type Cloud = 'azure' | 'aws' | 'google' | 'oracle' | 'alibaba';

/** A cloud key shaped as each provider's console gives it (the seed document's table). */
export function cloudKey(rng: () => number, cloud: Cloud): string {
  switch (cloud) {
    case 'aws':
      return digits(rng, 12);
    case 'alibaba':
      return digits(rng, 16);
    case 'azure':
      return rngUuid(rng);
    case 'google':
      return `${rngUuid(rng)}/europe-west3/${1 + Math.floor(rng() * 2)}`;
    case 'oracle':
      return `ocid1.virtualcircuit.oc1.eu-frankfurt-1.${alnum(rng, 60).toLowerCase()}`;
  }
}
