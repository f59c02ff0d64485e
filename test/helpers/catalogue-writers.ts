// What CompiledFormat.decodeInto and .matchBytes write, as arrays comparable with `decode`.
import type { ArgSpec, ArgValue, ArgWriter, CompiledFormat } from '../../src-main/catalogue/index.ts';

/** JSON.stringify replacer that keeps BigInts. */
export const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

/** A writer that records into an array (unwritten slots stay '(unwritten)'). */
function recorder(cf: CompiledFormat): { out: ArgValue[]; w: ArgWriter } {
  const out: ArgValue[] = new Array<ArgValue>(cf.event.args.length).fill('(unwritten)');
  const w: ArgWriter = {
    setWords: (i, lo, hi) => void (out[i] = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)),
    setSmall: (i, v) => void (out[i] = v),
    setString: (i, v) => void (out[i] = v),
    setNull: (i) => void (out[i] = null),
  };
  return { out, w };
}

/** What decodeInto writes: small values as numbers, 64-bit ones as their u64 pattern. */
export function viaWriter(cf: CompiledFormat, text: string): ArgValue[] | null {
  const { out, w } = recorder(cf);
  return cf.decodeInto(text, w) ? out : null;
}

/** What matchBytes writes, or null when it declines (the message sits inside a larger buffer). */
export function viaBytes(cf: CompiledFormat, text: string): ArgValue[] | null {
  const { out, w } = recorder(cf);
  const line = `12@3.000004:name ${text}\nnext line`;
  const b = Buffer.from(line, 'latin1');
  const at = line.indexOf(' ') + 1;
  return cf.matchBytes(b, at, at + text.length, line, at, w) ? out : null;
}

/** A `decode` value as decodeInto should write it into the argument's column. */
export function written(a: ArgSpec, v: ArgValue): ArgValue {
  if (v === null || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const wide = a.duckType === 'BIGINT' || a.duckType === 'UBIGINT';
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  return wide ? BigInt.asUintN(64, BigInt(v)) : v;
}
