// C argument types of trace-events (docs/qemu-trace-formats.md §1.4) → how values are carried and
// which DuckDB column holds them. Widths assume an LP64 Linux host, as QEMU's catalogues do.
import type { ArgKind, ArgSpec, DuckType } from './types.ts';

type Bits = 8 | 16 | 32 | 64;

interface IntInfo {
  readonly signed: boolean;
  readonly bits: Bits;
}

const TYPEDEFS: Record<string, IntInfo> = {
  int8_t: { signed: true, bits: 8 },
  int16_t: { signed: true, bits: 16 },
  int32_t: { signed: true, bits: 32 },
  int64_t: { signed: true, bits: 64 },
  uint8_t: { signed: false, bits: 8 },
  uint16_t: { signed: false, bits: 16 },
  uint32_t: { signed: false, bits: 32 },
  uint64_t: { signed: false, bits: 64 },
  size_t: { signed: false, bits: 64 },
  ssize_t: { signed: true, bits: 64 },
  uintptr_t: { signed: false, bits: 64 },
  ptrdiff_t: { signed: true, bits: 64 },
  // Only in `tcg` events (QEMU ≤ 6.2), where tracetool hands `_exec` a uint64_t.
  TCGv: { signed: false, bits: 64 },
};

/**
 * Type words tracetool accepts since 2.12 (besides `const`), plus `TCGv`, which it substituted
 * before validating in the `tcg` era.
 */
const ALLOWED_WORDS = new Set([
  'int', 'long', 'short', 'char', 'bool', 'unsigned', 'signed', 'void', ...Object.keys(TYPEDEFS),
]);

/** Normalize spacing: single spaces, `char*` → `char *`, `char * *` → `char **`. */
export function normalizeCType(raw: string): string {
  let t = raw.replace(/\s*\*\s*/g, ' *').replace(/\s+/g, ' ').trim();
  while (t.includes('* *')) t = t.replace('* *', '**');
  return t;
}

/**
 * simpletrace's `is_string`: the type starts with `char` or `const char` and has exactly one
 * `*`. `char **` and `uint8_t *` are pointers, not strings.
 */
export function isStringType(ctype: string): boolean {
  const t = ctype.trimStart();
  if (!t.startsWith('char') && !t.startsWith('const char')) return false;
  const star = t.indexOf('*');
  return star >= 0 && t.indexOf('*', star + 1) < 0;
}

/**
 * The C integer a combination of keywords names (`long unsigned int`, `short`, `signed char`),
 * in any order, as C itself allows. Plain `char` is kept as an unsigned byte: it is signed on
 * x86 hosts and unsigned on arm64, and the byte is the one meaning both agree on.
 */
function keywordInt(words: readonly string[]): IntInfo | undefined {
  let signedWord = 0;
  let unsignedWord = 0;
  let short = 0;
  let long = 0;
  let char = 0;
  let int = 0;
  for (const w of words) {
    if (w === 'signed') signedWord++;
    else if (w === 'unsigned') unsignedWord++;
    else if (w === 'short') short++;
    else if (w === 'long') long++;
    else if (w === 'char') char++;
    else if (w === 'int') int++;
    else return undefined;
  }
  if (signedWord + unsignedWord > 1 || int > 1 || char > 1 || short > 1 || long > 2) return undefined;
  if ((char && (int || short || long)) || (short && long)) return undefined;
  if (words.length === 0) return undefined;
  const signed = unsignedWord === 0;
  if (char) return { signed: signedWord === 1, bits: 8 };
  if (short) return { signed, bits: 16 };
  if (long) return { signed, bits: 64 };
  return { signed, bits: 32 };
}

function duckInt(i: IntInfo): DuckType {
  if (i.signed) return i.bits === 8 ? 'TINYINT' : i.bits === 16 ? 'SMALLINT' : i.bits === 32 ? 'INTEGER' : 'BIGINT';
  return i.bits === 8 ? 'UTINYINT' : i.bits === 16 ? 'USMALLINT' : i.bits === 32 ? 'UINTEGER' : 'UBIGINT';
}

function spec(name: string, ctype: string, kind: ArgKind, signed: boolean, bits: Bits, duckType: DuckType): ArgSpec {
  return { name, ctype, kind, signed, bits, duckType };
}

/** The ArgSpec for a C type (normalized here) and argument name, or why the type is not valid. */
export function argSpecFor(ctype: string, name: string): ArgSpec | string {
  const norm = normalizeCType(ctype);
  const words = norm.replace(/\*/g, ' ').split(' ').filter((w) => w !== '');
  for (const w of words) {
    if (w !== 'const' && !ALLOWED_WORDS.has(w)) return `type '${norm}' of argument '${name}' is not a trace-events type`;
  }
  const base = words.filter((w) => w !== 'const');
  if (base.length === 0) return `argument '${name}' has no type`;
  if (norm.includes('*')) {
    if (isStringType(norm)) return spec(name, norm, 'string', false, 64, 'VARCHAR');
    return spec(name, norm, 'pointer', false, 64, 'UBIGINT');
  }
  if (base.length === 1 && base[0] === 'bool') return spec(name, norm, 'bool', false, 8, 'BOOLEAN');
  const i = base.length === 1 && TYPEDEFS[base[0]] !== undefined ? TYPEDEFS[base[0]] : keywordInt(base);
  if (i === undefined) return `type '${norm}' of argument '${name}' is not a valid C type`;
  return spec(name, norm, 'integer', i.signed, i.bits, duckInt(i));
}

/**
 * Reinterpret an integer bit pattern `v` of width `fromBits` (the printf conversion's width, or
 * 64 for a simpletrace u64) as the declared type of `a`. A narrower pattern is extended the way
 * the declared type's signedness says; a wider one must hold a value of the declared type
 * (a narrow signed value printed unsigned, or sign-extended in a u64, is accepted).
 * Returns undefined when the value cannot be an instance of the type: the catalogue does not
 * describe this record.
 */
export function typedFromBits(a: ArgSpec, v: bigint, fromBits: number): number | bigint | boolean | undefined {
  if (a.kind === 'bool') {
    const u = BigInt.asUintN(fromBits, v);
    if (u === 0n) return false;
    if (u === 1n) return true;
    return undefined;
  }
  if (a.kind === 'pointer' || a.kind === 'string') return BigInt.asUintN(64, v);
  const bits = a.bits;
  let r: bigint;
  if (a.signed) {
    const s = BigInt.asIntN(fromBits, v);
    if (fromBits > bits && BigInt.asIntN(bits, s) !== s) {
      // An unsigned conversion of a narrow signed value shows its zero-extended pattern.
      const u = BigInt.asUintN(fromBits, v);
      if (u >= 1n << BigInt(bits)) return undefined;
      r = BigInt.asIntN(bits, u);
    } else r = BigInt.asIntN(bits, s);
  } else {
    const u = BigInt.asUintN(fromBits, v);
    if (fromBits > bits && u >= 1n << BigInt(bits)) {
      // A narrow unsigned value that went through a sign extension (x86 `char`, `%d` of a
      // negative char) shows negative.
      const s = BigInt.asIntN(fromBits, v);
      if (s < 0n && s >= -(1n << BigInt(bits))) r = BigInt.asUintN(bits, s);
      else return undefined;
    } else r = BigInt.asUintN(bits, u);
  }
  return bits === 64 ? r : Number(r);
}

/**
 * typedFromBits for patterns of at most 32 bits and declared types of at most 32 bits, in plain
 * numbers: the text decoder's hot path. `u` is the unsigned pattern of width `fromBits`.
 */
export function typedFromBits32(a: ArgSpec, u: number, fromBits: 8 | 16 | 32): number | boolean | undefined {
  if (a.kind === 'bool') return u === 0 ? false : u === 1 ? true : undefined;
  const bits = a.bits;
  const shift = 32 - fromBits;
  const s = (u << shift) >> shift;
  if (a.signed) {
    if (fromBits <= bits) return s;
    const dShift = 32 - bits;
    if (((s << dShift) >> dShift) === s) return s;
    return u < 2 ** bits ? (u << dShift) >> dShift : undefined;
  }
  if (fromBits <= bits) return u;
  if (u < 2 ** bits) return u;
  return s < 0 && s >= -(2 ** bits) ? s + 2 ** bits : undefined;
}
