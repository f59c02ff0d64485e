// Month names of every locale Node's ICU has data for, for year-less syslog stamps written under
// a localized C library: journalctl's short output is strftime("%b %d %T") in the user's LC_TIME,
// so a Russian, German or Japanese host prints `янв 07`, `Mär 07`, ` 1月 07`. The names come
// from Intl.DateTimeFormat on first use (never from a hand-written table), in four forms per
// locale: abbreviated and full, each as ICU formats it beside a day (the genitive `мая`, `März`)
// and alone (the nominative `май`, `Mär`), and each with and without its trailing dot.
//
// Node has no API that lists its locales (Intl.supportedValuesOf knows calendars, currencies,
// zones and units, not languages), so every two-letter ISO 639-1 code is put to
// DateTimeFormat.supportedLocalesOf, which keeps those ICU has data for (about 140 in a
// full-icu build; the three-letter codes would cost a second at start-up for few extra months).
// Region variants are not enumerated: their abbreviations are mostly the language's.
//
// glibc's abbreviations are not always ICU's (ru `фев`, `сен`; es `sep`; cs `čen`), but they are
// prefixes of ICU's full names, so a token that is no ICU form is looked up as a prefix (at least
// three letters) of a full name. A token may mean different months in different locales (`lis`
// is November in Polish and Czech, October in Croatian): it maps to a month only when all its
// locales agree, or when the locales the file's other month names allow agree (see tuneLocales).

const CANDIDATE_LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const MIN_PREFIX = 3;
const LETTER_RE = /\p{L}/u;

interface Sense {
  readonly month: number;
  readonly locales: Set<string>;
}

type Senses = Sense[];

interface MonthTable {
  /** As ICU spells them (`Mär`, `janv.`, `janv`). */
  readonly exact: Map<string, Senses>;
  /** Lower-cased. */
  readonly folded: Map<string, Senses>;
  /** Lower-cased prefixes of full names that are no form of their own. */
  readonly prefixes: Map<string, Senses>;
}

function addSense(map: Map<string, Senses>, key: string, month: number, locale: string): void {
  let senses = map.get(key);
  if (senses === undefined) map.set(key, (senses = []));
  let s = senses.find((x) => x.month === month);
  if (s === undefined) senses.push((s = { month, locales: new Set() }));
  s.locales.add(locale);
}

/** Every form of the month names of `locale`: [text, month, isFullName]. */
function localeForms(locale: string): [string, number, boolean][] {
  const out: [string, number, boolean][] = [];
  const base = { timeZone: 'UTC', calendar: 'gregory', numberingSystem: 'latn' } as const;
  for (const month of ['short', 'long'] as const) {
    const withDay = new Intl.DateTimeFormat(locale, { ...base, month, day: 'numeric' });
    const alone = new Intl.DateTimeFormat(locale, { ...base, month });
    for (let m = 0; m < 12; m++) {
      const date = new Date(Date.UTC(2021, m, 15));
      for (const f of [withDay, alone]) {
        const parts = f.formatToParts(date);
        const k = parts.findIndex((p) => p.type === 'month');
        if (k < 0) continue;
        let text = parts[k].value.trim();
        // ja/zh give the number and its 月 as two parts; strftime prints them together (`12月`).
        const next = parts[k + 1];
        if (/^\d+$/.test(text) && next?.type === 'literal' && /^\S+$/.test(next.value)) text += next.value;
        // A bare number is no month name (fi and cs give `6` beside a day).
        if (!LETTER_RE.test(text)) continue;
        out.push([text, m + 1, month === 'long']);
      }
    }
  }
  return out;
}

function twoLetterLocales(): string[] {
  const codes: string[] = [];
  for (const a of CANDIDATE_LETTERS) for (const b of CANDIDATE_LETTERS) codes.push(a + b);
  return Intl.DateTimeFormat.supportedLocalesOf(codes);
}

function buildTable(): MonthTable {
  const table: MonthTable = { exact: new Map(), folded: new Map(), prefixes: new Map() };
  const fullNames: [string, number, string][] = [];
  for (const locale of twoLetterLocales()) {
    for (const [text, month, full] of localeForms(locale)) {
      const forms = text.endsWith('.') && text.length > 1 ? [text, text.slice(0, -1)] : [text];
      for (const f of forms) {
        addSense(table.exact, f, month, locale);
        addSense(table.folded, f.toLowerCase(), month, locale);
      }
      if (full) fullNames.push([forms[forms.length - 1].toLowerCase(), month, locale]);
    }
  }
  for (const [name, month, locale] of fullNames) {
    if (!/^\p{L}+$/u.test(name)) continue;
    for (let n = MIN_PREFIX; n < name.length; n++) {
      const p = name.slice(0, n);
      if (!table.folded.has(p)) addSense(table.prefixes, p, month, locale);
    }
  }
  return table;
}

let cached: MonthTable | null = null;
const table = (): MonthTable => (cached ??= buildTable());

/** The senses of a token: of the first of its exact spelling, lower case, or name prefix. */
function sensesOf(token: string): Senses | undefined {
  const t = table();
  const lower = token.toLowerCase();
  let s = t.exact.get(token) ?? t.folded.get(lower) ?? t.prefixes.get(lower);
  if (s === undefined && lower.endsWith('.')) s = t.folded.get(lower.slice(0, -1)) ?? t.prefixes.get(lower.slice(0, -1));
  return s;
}

function singleMonth(senses: readonly Sense[]): number {
  return senses.length === 1 ? senses[0].month : 0;
}

/**
 * The month (1–12) a localized name stands for, or 0 when it is none or ambiguous. `locales`
 * (from tuneLocales) narrows an ambiguous name to the locales of the file; a name none of them
 * has is read as if there were no such narrowing.
 */
export function localizedMonth(token: string, locales?: ReadonlySet<string>): number {
  const senses = sensesOf(token);
  if (senses === undefined) return 0;
  if (locales !== undefined && senses.length > 1) {
    const narrowed = senses.filter((s) => [...s.locales].some((l) => locales.has(l)));
    if (narrowed.length > 0) return singleMonth(narrowed);
  }
  return singleMonth(senses);
}

/**
 * The locales consistent with every month name in `tokens` (one file's sniff window), as a sorted
 * comma-separated list; null when no name is ambiguous (nothing to narrow) or the names have no
 * locale in common. `Lis` with `Gru` in one file is Polish: November.
 */
export function tuneLocales(tokens: Iterable<string>): string | null {
  // Per locale, how many of the names it has; the common locales have all of them.
  const has = new Map<string, number>();
  let names = 0;
  let ambiguous = false;
  for (const token of new Set(tokens)) {
    const senses = sensesOf(token);
    if (senses === undefined) continue;
    names++;
    if (senses.length > 1) ambiguous = true;
    const here = new Set<string>();
    for (const s of senses) for (const l of s.locales) here.add(l);
    for (const l of here) has.set(l, (has.get(l) ?? 0) + 1);
  }
  const common = [...has].filter(([, n]) => n === names).map(([l]) => l);
  if (!ambiguous || common.length === 0) return null;
  return common.sort().join(',');
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Why `token` gives no month although it is a month name: e.g. "month `lis` means November in
 * cs, pl and October in hr" (restricted to `locales` when those narrow it); null when it is no
 * month name, or one month.
 */
export function monthAmbiguity(token: string, locales?: ReadonlySet<string>): string | null {
  const senses = sensesOf(token);
  if (senses === undefined || senses.length < 2) return null;
  let shown: readonly Sense[] = senses;
  if (locales !== undefined) {
    const narrowed = senses
      .map((s) => ({ month: s.month, locales: new Set([...s.locales].filter((l) => locales.has(l))) }))
      .filter((s) => s.locales.size > 0);
    if (narrowed.length === 1) return null;
    if (narrowed.length > 1) shown = narrowed;
  }
  const parts = [...shown]
    .sort((a, b) => a.month - b.month)
    .map((s) => `${MONTH_NAMES[s.month - 1]} in ${[...s.locales].sort().join(', ')}`);
  return `month \`${token}\` means ${parts.slice(0, -1).join('; ')} and ${parts[parts.length - 1]}`;
}
