import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

const HASH = /^\$2([aby])\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;
const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface BcryptHash {
  hash: string;
  cost: number;
}

/**
 * Checks a configured hash at load time, so a typo is a start-up error rather
 * than a user who can never log in. Returns why it is refused, never the hash.
 *
 * The salt is re-encoded: the last of its 22 characters carries 2 unused bits,
 * which Go's bcrypt ignores but bcryptjs compares, so a hash Go accepts would
 * otherwise never match here.
 */
export function parseBcryptHash(text: string): BcryptHash | string {
  const m = HASH.exec(text);
  if (!m)
    return 'not a bcrypt hash: expected $2a$, $2b$ or $2y$, a two-digit cost, then 53 characters of [./A-Za-z0-9] (e.g. the output of htpasswd -nBC 10 "")';
  const cost = Number(m[2]);
  if (cost < 4 || cost > 31) return `bcrypt cost ${cost} is outside 4..31`;
  const salt = bcrypt.encodeBase64(bcrypt.decodeBase64(m[3]!, 16), 16);
  return { hash: `$2${m[1]}$${m[2]}$${salt}${m[4]}`, cost };
}

/**
 * A well-formed hash of the given cost that no password matches (its digest is
 * random), compared against when the user is unknown: exporter-toolkit does
 * the same with a fixed cost-10 hash; matching the configured cost keeps an
 * unknown user as slow as a known one when hashes use another cost.
 */
export function decoyHash(cost: number): string {
  const salt = bcrypt.genSaltSync(cost);
  const digest = Array.from(randomBytes(31), (b) => ALPHABET[b % 64]).join('');
  return `${salt}${digest}`;
}
