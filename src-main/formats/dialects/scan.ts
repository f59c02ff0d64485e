// Small character-level helpers shared by the text dialects. They work on charCodeAt so that the
// per-line hot paths need no regex and allocate nothing but the strings they return.

const C0 = 48;
const C9 = 57;

export function isDigit(c: number): boolean {
  return c >= C0 && c <= C9;
}

/** `[A-Za-z0-9_]`: the characters of a QEMU event name (a C identifier). */
export function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= C0 && c <= C9) || c === 95;
}

/** Index just after the run of digits starting at `i` (== i when there is none). */
export function skipDigits(s: string, i: number): number {
  const len = s.length;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c < C0 || c > C9) break;
    i++;
  }
  return i;
}

/** Value of the digits s[start, end); the caller keeps end - start ≤ 15 so the result is exact. */
export function digitsValue(s: string, start: number, end: number): number {
  let v = 0;
  for (let i = start; i < end; i++) v = v * 10 + (s.charCodeAt(i) - C0);
  return v;
}

/** Value of exactly `n` digits at `i`, or -1 if any of them is not a digit. */
export function fixedDigits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k);
    if (c < C0 || c > C9) return -1;
    v = v * 10 + (c - C0);
  }
  return v;
}

/**
 * Nanoseconds of a decimal fraction whose digits are s[start, end) (1 to 9 digits), e.g. "5" →
 * 500000000, "253839" → 253839000. Returns -1 for more than 9 digits.
 */
export function fractionNs(s: string, start: number, end: number): number {
  const n = end - start;
  if (n > 9) return -1;
  let v = digitsValue(s, start, end);
  for (let k = n; k < 9; k++) v *= 10;
  return v;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Checks a calendar date and a time of day (leap second 60 allowed, as RFC 3339 does). */
export function validDateTime(y: number, mo: number, d: number, h: number, mi: number, sec: number): boolean {
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0) return false;
  if (d > DAYS_IN_MONTH[mo - 1]) return false;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return false;
  return true;
}

const NS_PER_S = 1_000_000_000n;

/** The last epoch second whose nanoseconds fit a BIGINT (2262-04-11T23:47:16.854775807Z). */
const MAX_TS_SECONDS = 9_223_372_036;

/**
 * Whether seconds + ns fit `ts_ns` (BIGINT). Past that a timestamp would wrap to a wrong value
 * without a word, so the prefix is not read as one and the line goes to `unparsed`.
 */
export const MAX_TS_NS = 9_223_372_036_854_775_807n;

export function fitsTsNs(seconds: number, ns: number): boolean {
  if (seconds < MAX_TS_SECONDS) return seconds >= -MAX_TS_SECONDS;
  return seconds === MAX_TS_SECONDS && ns <= 854_775_807;
}

/** Epoch nanoseconds of whole seconds plus a nanosecond fraction. */
export function epochNs(seconds: number, ns: number): bigint {
  // Microsecond-exact values fit a double up to year ~2255, which saves one BigInt multiply.
  if (ns % 1000 === 0 && seconds >= 0 && seconds < 9_000_000_000) {
    return BigInt(seconds * 1_000_000 + ns / 1000) * 1000n;
  }
  return BigInt(seconds) * NS_PER_S + BigInt(ns);
}

/** Seconds since the epoch of a UTC calendar date and time. */
export function utcSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/**
 * Parses `YYYY-MM-DD?HH:MM:SS` at `i` (any single separator at i+10, `T` or space) into UTC
 * seconds; -1 when malformed. The fraction and zone that may follow are the caller's.
 */
export function dateTimeSeconds(s: string, i: number): number {
  if (s.length < i + 19) return -1;
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return -1;
  if (s.charCodeAt(i + 13) !== 58 || s.charCodeAt(i + 16) !== 58) return -1;
  const y = fixedDigits(s, i, 4);
  const mo = fixedDigits(s, i + 5, 2);
  const d = fixedDigits(s, i + 8, 2);
  const h = fixedDigits(s, i + 11, 2);
  const mi = fixedDigits(s, i + 14, 2);
  const sec = fixedDigits(s, i + 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return -1;
  if (!validDateTime(y, mo, d, h, mi, sec)) return -1;
  return utcSeconds(y, mo, d, h, mi, sec);
}

/** Time of day `HH:MM:SS` at `i` as seconds since midnight; -1 when malformed. */
export function timeOfDaySeconds(s: string, i: number): number {
  if (s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return -1;
  const h = fixedDigits(s, i, 2);
  const mi = fixedDigits(s, i + 3, 2);
  const sec = fixedDigits(s, i + 6, 2);
  if (h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 60) return -1;
  return h * 3600 + mi * 60 + sec;
}

/**
 * The event name starting at `start`: a non-empty `[A-Za-z0-9_]+` run that ends the line or is
 * followed by a space. Returns its end index, or -1.
 */
export function nameEnd(s: string, start: number): number {
  const len = s.length;
  let i = start;
  while (i < len && isNameChar(s.charCodeAt(i))) i++;
  if (i === start) return -1;
  if (i < len && s.charCodeAt(i) !== 32) return -1;
  return i;
}

/**
 * The message after the name ending at `end`: everything after the single separating space,
 * untouched. A line that ends right after the name has the empty message (its trailing space
 * was lost, e.g. to an editor; the event has no printed arguments either way).
 */
export function messageAfter(s: string, end: number): string {
  return end >= s.length ? '' : s.slice(end + 1);
}
