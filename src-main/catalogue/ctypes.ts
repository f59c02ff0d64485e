// C argument types of trace-events (qemu-trace-formats.md §1.4) → how values are carried and
// which DuckDB column holds them. Widths assume an LP64 Linux host, as QEMU's catalogues do.
import type { ArgKind, ArgSpec, DuckType } from './types.ts';

interface IntInfo {
  readonly signed: boolean;
  readonly bits: 8 | 16 | 32 | 64;
}

const INTS: Record<string, IntInfo> = {
  int: { signed: true, bits: 32 },
  'signed int': { signed: true, bits: 32 },
  signed: { signed: true, bits: 32 },
  'const int': { signed: true, bits: 32 },
  unsigned: { signed: false, bits: 32 },
  'unsigned int': { signed: false, bits: 32 },
  'const unsigned int': { signed: false, bits: 32 },
  long: { signed: true, bits: 64 },
  'long int': { signed: true, bits: 64 },
  'signed long': { signed: true, bits: 64 },
  'long long': { signed: true, bits: 64 },
  'long long int': { signed: true, bits: 64 },
  'unsigned long': { signed: false, bits: 64 },
  'long unsigned int': { signed: false, bits: 64 },
  'unsigned long int': { signed: false, bits: 64 },
  'unsigned long long': { signed: false, bits: 64 },
  'long long unsigned int': { signed: false, bits: 64 },
  short: { signed: true, bits: 16 },
  'short int': { signed: true, bits: 16 },
  'unsigned short': { signed: false, bits: 16 },
  'unsigned short int': { signed: false, bits: 16 },
  // `char` is signed on x86 hosts, where QEMU's traces mostly come from; stored as its byte.
  char: { signed: false, bits: 8 },
  'const char': { signed: false, bits: 8 },
  'signed char': { signed: true, bits: 8 },
  'unsigned char': { signed: false, bits: 8 },
  'const unsigned char': { signed: false, bits: 8 },
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
  intptr_t: { signed: true, bits: 64 },
  ptrdiff_t: { signed: true, bits: 64 },
  off_t: { signed: true, bits: 64 },
  // Only in `tcg` `_exec` events (QEMU ≤ 6.2), where tracetool maps it to uint64_t.
  TCGv: { signed: false, bits: 64 },
};

/** Words allowed in a type since QEMU 2.12 (plus `const`), checked token by token. */
const ALLOWED_WORDS = new Set([
  'int', 'long', 'short', 'char', 'bool', 'unsigned', 'signed', 'int8_t', 'uint8_t', 'int16_t', 'uint16_t',
  'int32_t', 'uint32_t', 'int64_t', 'uint64_t', 'void', 'size_t', 'ssize_t', 'uintptr_t', 'ptrdiff_t', 'const',
  'TCGv', 'intptr_t', 'off_t',
]);

/** Normalize spacing: single spaces, `char*` → `char *`, `char **` kept together. */
export function normalizeCType(raw: string): string {
  let t = raw.replace(/\s*\*\s*/g, ' *').replace(/\s+/g, ' ').trim();
  while (t.includes('* *')) t = t.replace('* *', '**');
  return t;
}

function duckInt(i: IntInfo): DuckType {
  if (i.signed) return i.bits === 8 ? 'TINYINT' : i.bits === 16 ? 'SMALLINT' : i.bits === 32 ? 'INTEGER' : 'BIGINT';
  return i.bits === 8 ? 'UTINYINT' : i.bits === 16 ? 'USMALLINT' : i.bits === 32 ? 'UINTEGER' : 'UBIGINT';
}

/**
 * simpletrace's `is_string`: the type (left-trimmed) starts with `char` or `const char` and has
 * exactly one `*`. `char **` and `uint8_t *` are pointers, not strings.
 */
export function isStringType(ctype: string): boolean {
  const t = ctype.trimStart();
  return (t.startsWith('char') || t.startsWith('const char')) && (t.match(/\*/g) ?? []).length === 1;
}

/** The ArgSpec for a normalized C type and name, or an error message for an unknown type. */
export function argSpecFor(ctype: string, name: string): ArgSpec | string {
  const norm = normalizeCType(ctype);
  for (const word of norm.replace(/\*/g, ' ').split(/\s+/).filter(Boolean)) {
    if (!ALLOWED_WORDS.has(word)) return `unknown type '${norm}' for argument '${name}'`;
  }
  if (norm.includes('*')) {
    if (isStringType(norm)) return spec(name, norm, 'string', false, 64, 'VARCHAR');
    return spec(name, norm, 'pointer', false, 64, 'UBIGINT');
  }
  if (norm === 'bool' || norm === 'const bool') return spec(name, norm, 'bool', false, 8, 'BOOLEAN');
  const base = norm.replace(/^const /, '');
  const i = INTS[norm] ?? INTS[base];
  if (i === undefined) return `unknown type '${norm}' for argument '${name}'`;
  return spec(name, norm, 'integer', i.signed, i.bits, duckInt(i));
}

function spec(name: string, ctype: string, kind: ArgKind, signed: boolean, bits: 8 | 16 | 32 | 64, duckType: DuckType): ArgSpec {
  return { name, ctype, kind, signed, bits, duckType };
}

/**
 * Reinterpret an integer (already reduced to some width's bit pattern, or the raw u64 of a
 * simpletrace record) as the declared type. Returns undefined when the value cannot be an
 * instance of the type (a catalogue that does not fit the trace).
 */
export function typedFromBits(a: ArgSpec, v: bigint, fromBits: number): number | bigint | boolean | undefined {
  if (a.kind === 'bool') {
    if (v === 0n) return false;
    if (v === 1n) return true;
    return undefined;
  }
  if (a.kind === 'pointer' || a.kind === 'string') return BigInt.asUintN(64, v);
  const bits = a.bits;
  let r: bigint;
  if (a.signed) {
    // Sign-extend from the width it was printed/stored with, then it must fit the declared type.
    const s = BigInt.asIntN(fromBits, v);
    if (fromBits > bits && BigInt.asIntN(bits, s) !== s) return undefined;
    r = BigInt.asIntN(bits, s);
  } else {
    const u = BigInt.asUintN(fromBits, v);
    if (fromBits > bits && BigInt.asUintN(bits, u) !== u) {
      // A narrower unsigned type printed through a wider signed conversion shows negative.
      const s = BigInt.asIntN(fromBits, v);
      if (s < 0n && s >= -(1n << BigInt(bits))) r = BigInt.asUintN(bits, s);
      else return undefined;
    } else r = BigInt.asUintN(bits, u);
  }
  return bits === 64 ? r : Number(r);
}
