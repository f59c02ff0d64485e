// Turning a simpletrace payload back into typed argument values (docs/qemu-trace-formats.md §1.4
// "Rules for turning a simpletrace u64 back into the declared type", §2.2 argument encoding).
// Each event is compiled once into a plan (an array of small integer codes) so the per-record
// loop is a switch over bytes, never a lookup by name or C type.
import type { ArgSpec, ArgValue, EventSpec } from '../catalogue/types.ts';
import { isUtf8 } from 'node:buffer';
import type { EventRows, RecordSink } from './types.ts';

export const K_STRING = 0;
export const K_U8 = 1;
export const K_U16 = 2;
export const K_U32 = 3;
export const K_U64 = 4;
export const K_I8 = 5;
export const K_I16 = 6;
export const K_I32 = 7;
export const K_I64 = 8;
export const K_BOOL = 9;
export const K_POINTER = 10;
export const K_CHAR = 11;

export interface DecodePlan {
  /** The catalogue event, or null when the id or name cannot be typed. */
  readonly spec: EventSpec | null;
  /** Event name when known (a mapping record or a position named it). */
  readonly name: string | null;
  readonly codes: Uint8Array;
  /** Exact payload size when the event has no strings, else -1. */
  readonly fixedSize: number;
  /** Why the record cannot be typed (only when spec is null). */
  readonly reason: string;
  /** Direct rows for this event in `rowsSink` (null: use records), resolved on first use. */
  rows: EventRows | null;
  rowsSink: RecordSink | null;
}

// Only plain char has host-dependent signedness; `signed char` is an ordinary int8.
const PLAIN_CHAR = /^(const )?char$/;

export function argCode(a: ArgSpec): number {
  switch (a.kind) {
    case 'string':
      return K_STRING;
    case 'bool':
      return K_BOOL;
    case 'pointer':
      return K_POINTER;
    case 'integer':
      break;
  }
  // x86 sign-extends a plain char, arm64 zero-extends it: accept both, keep the byte.
  if (a.bits === 8 && (PLAIN_CHAR.test(a.ctype) || (a.signed && a.duckType === 'UTINYINT'))) return K_CHAR;
  if (a.signed) return a.bits === 8 ? K_I8 : a.bits === 16 ? K_I16 : a.bits === 32 ? K_I32 : K_I64;
  return a.bits === 8 ? K_U8 : a.bits === 16 ? K_U16 : a.bits === 32 ? K_U32 : K_U64;
}

export function planFor(spec: EventSpec): DecodePlan {
  const codes = new Uint8Array(spec.args.length);
  let hasString = false;
  for (let i = 0; i < codes.length; i++) {
    codes[i] = argCode(spec.args[i]);
    if (codes[i] === K_STRING) hasString = true;
  }
  return { spec, name: spec.name, codes, fixedSize: hasString ? -1 : codes.length * 8, reason: '', rows: null, rowsSink: null };
}

export function untypedPlan(name: string | null, reason: string): DecodePlan {
  return { spec: null, name, codes: new Uint8Array(0), fixedSize: -1, reason, rows: null, rowsSink: null };
}

/** Node's Buffer has this fast path at run time; @types/node does not declare it. */
interface Latin1Sliceable {
  latin1Slice(start: number, end: number): string;
}

const hasLatin1Slice = typeof (Buffer.prototype as unknown as Partial<Latin1Sliceable>).latin1Slice === 'function';
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Strings are usually ASCII (names, states, JSON); only others pay for a UTF-8 decoder. */
export function decodeString(bytes: Uint8Array, buf: Buffer, start: number, end: number): string {
  if (!isAscii(bytes, start, end)) return utf8.decode(bytes.subarray(start, end));
  return latin1(buf, start, end);
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

function latin1(buf: Buffer, start: number, end: number): string {
  if (hasLatin1Slice) return (buf as unknown as Latin1Sliceable).latin1Slice(start, end);
  return buf.toString('latin1', start, end);
}

/** `0x…` of a u64 given as two u32 halves, without leading zeros. */
export function hexU64(hi: number, lo: number): string {
  return '0x' + (hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0'));
}

/** Decodes payloads for one byte order; `failure` says why the last decode returned null. */
export class PayloadDecoder {
  failure = '';
  /**
   * String arguments of the last decode that were not valid UTF-8 (decoded lossily): `lossyN`
   * triples of argument index, start and end of their bytes.
   */
  lossyN = 0;
  readonly lossy: number[] = [];
  private readonly le: boolean;
  private readonly loAt: number;
  private readonly hiAt: number;

  constructor(littleEndian: boolean) {
    this.le = littleEndian;
    this.loAt = littleEndian ? 0 : 4;
    this.hiAt = littleEndian ? 4 : 0;
  }

  private checkUtf8(arg: number, bytes: Uint8Array, start: number, end: number): void {
    if (isUtf8(bytes.subarray(start, end))) return;
    const k = 3 * this.lossyN++;
    this.lossy[k] = arg;
    this.lossy[k + 1] = start;
    this.lossy[k + 2] = end;
  }

  decode(plan: DecodePlan, dv: DataView, bytes: Uint8Array, buf: Buffer, start: number, end: number): ArgValue[] | null {
    const codes = plan.codes;
    const n = codes.length;
    if (plan.fixedSize >= 0 && plan.fixedSize !== end - start) {
      this.failure = `signature mismatch: payload is ${end - start} bytes, the catalogue's ${n} non-string argument(s) take ${plan.fixedSize}`;
      return null;
    }
    const le = this.le;
    const loAt = this.loAt;
    const hiAt = this.hiAt;
    const out = new Array<ArgValue>(n);
    this.lossyN = 0;
    let p = start;
    for (let i = 0; i < n; i++) {
      const code = codes[i];
      if (code === K_STRING) {
        if (p + 4 > end) return this.overrun(plan, i, end - start);
        const len = dv.getUint32(p, le);
        p += 4;
        if (len > end - p) return this.overrun(plan, i, end - start);
        out[i] = len === 0 ? '' : decodeString(bytes, buf, p, p + len);
        if (len > 0 && !isAscii(bytes, p, p + len)) this.checkUtf8(i, bytes, p, p + len);
        p += len;
        continue;
      }
      if (p + 8 > end) return this.overrun(plan, i, end - start);
      switch (code) {
        case K_U64:
        case K_POINTER:
          out[i] = dv.getBigUint64(p, le);
          break;
        case K_I64:
          out[i] = dv.getBigInt64(p, le);
          break;
        default: {
          const lo = dv.getUint32(p + loAt, le);
          const hi = dv.getUint32(p + hiAt, le);
          const v = smallValue(code, hi, lo);
          if (v === undefined) return this.unfit(plan, i, hi, lo);
          out[i] = v;
        }
      }
      p += 8;
    }
    if (p !== end) {
      this.failure = `signature mismatch: the catalogue's arguments take ${p - start} of the payload's ${end - start} bytes`;
      return null;
    }
    return out;
  }

  /**
   * Like `decode`, but writes the values into `rows` (the row is left uncommitted). Returns false,
   * with `failure` set, when the payload does not fit; the caller then abandons the row.
   */
  decodeInto(plan: DecodePlan, rows: EventRows, dv: DataView, bytes: Uint8Array, buf: Buffer, start: number, end: number): boolean {
    const codes = plan.codes;
    const n = codes.length;
    if (plan.fixedSize >= 0 && plan.fixedSize !== end - start) {
      this.failure = `signature mismatch: payload is ${end - start} bytes, the catalogue's ${n} non-string argument(s) take ${plan.fixedSize}`;
      return false;
    }
    const le = this.le;
    const loAt = this.loAt;
    const hiAt = this.hiAt;
    this.lossyN = 0;
    let p = start;
    for (let i = 0; i < n; i++) {
      const code = codes[i];
      if (code === K_STRING) {
        if (p + 4 > end) {
          this.overrun(plan, i, end - start);
          return false;
        }
        const len = dv.getUint32(p, le);
        p += 4;
        if (len > end - p) {
          this.overrun(plan, i, end - start);
          return false;
        }
        if (isAscii(bytes, p, p + len)) rows.setAsciiBytes(i, bytes, p, p + len);
        else {
          rows.setString(i, utf8.decode(bytes.subarray(p, p + len)));
          this.checkUtf8(i, bytes, p, p + len);
        }
        p += len;
        continue;
      }
      if (p + 8 > end) {
        this.overrun(plan, i, end - start);
        return false;
      }
      const lo = dv.getUint32(p + loAt, le);
      const hi = dv.getUint32(p + hiAt, le);
      if (code === K_U64 || code === K_POINTER || code === K_I64) rows.setWords(i, lo, hi);
      else {
        const v = smallNumber(code, hi, lo);
        if (v !== v) {
          this.unfit(plan, i, hi, lo);
          return false;
        }
        rows.setSmall(i, v);
      }
      p += 8;
    }
    if (p !== end) {
      this.failure = `signature mismatch: the catalogue's arguments take ${p - start} of the payload's ${end - start} bytes`;
      return false;
    }
    return true;
  }

  private overrun(plan: DecodePlan, i: number, size: number): null {
    const a = plan.spec?.args[i];
    this.failure = `signature mismatch: argument ${i + 1}${a ? ` ${a.name} (${a.ctype})` : ''} runs past the ${size}-byte payload`;
    return null;
  }

  private unfit(plan: DecodePlan, i: number, hi: number, lo: number): null {
    const a = plan.spec?.args[i];
    this.failure = `signature mismatch: argument ${i + 1}${a ? ` ${a.name} (${a.ctype})` : ''} = ${hexU64(hi, lo)} does not fit the declared type`;
    return null;
  }
}

/** Value of a ≤32-bit integer, bool or char from the u64's halves; undefined if it does not fit. */
export function smallValue(code: number, hi: number, lo: number): number | boolean | undefined {
  const v = smallNumber(code, hi, lo);
  if (v !== v) return undefined;
  return code === K_BOOL ? v === 1 : v;
}

/** Like smallValue with bool as 0/1, and NaN (not a union) for a value that does not fit. */
function smallNumber(code: number, hi: number, lo: number): number {
  switch (code) {
    case K_U32:
      return hi === 0 ? lo : NaN;
    case K_I32: {
      const s = lo | 0;
      return hi === (s < 0 ? 0xffffffff : 0) ? s : NaN;
    }
    case K_BOOL:
      return hi === 0 && lo <= 1 ? lo : NaN;
    case K_U8:
      return hi === 0 && lo <= 0xff ? lo : NaN;
    case K_U16:
      return hi === 0 && lo <= 0xffff ? lo : NaN;
    case K_I8: {
      const s = lo | 0;
      return hi === (s < 0 ? 0xffffffff : 0) && s >= -0x80 && s < 0x80 ? s : NaN;
    }
    case K_I16: {
      const s = lo | 0;
      return hi === (s < 0 ? 0xffffffff : 0) && s >= -0x8000 && s < 0x8000 ? s : NaN;
    }
    case K_CHAR:
      return (hi === 0 && lo <= 0xff) || (hi === 0xffffffff && lo >= 0xffffff80) ? lo & 0xff : NaN;
    default:
      return NaN;
  }
}
