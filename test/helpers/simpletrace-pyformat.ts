// Test helper: parses QEMU scripts/simpletrace.py output lines, the reference decoding:
// `name delta_us pid=N arg=0xhex arg=b'bytes' ...` (docs/qemu-trace-formats.md §2.3).

export interface PyArg {
  readonly name: string;
  /** Unsigned 64-bit view for non-strings, raw bytes for strings. */
  readonly value: bigint | Uint8Array;
}

export interface PyLine {
  readonly name: string;
  /** Microseconds since the previous record, exactly as printed (3 decimals). */
  readonly delta: string;
  readonly pid: number;
  readonly args: PyArg[];
}

const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34 };

/** Parses a Python bytes literal starting at s[i] (`b'…'` or `b"…"`); returns bytes and end. */
export function parsePyBytes(s: string, i: number): { bytes: Uint8Array; end: number } {
  if (s[i] !== 'b' || (s[i + 1] !== "'" && s[i + 1] !== '"')) throw new Error(`not a bytes literal at ${i}: ${s.slice(i, i + 20)}`);
  const q = s[i + 1];
  const out: number[] = [];
  let p = i + 2;
  for (;;) {
    if (p >= s.length) throw new Error(`unterminated bytes literal: ${s.slice(i, i + 40)}`);
    const c = s[p];
    if (c === q) return { bytes: Uint8Array.from(out), end: p + 1 };
    if (c === '\\') {
      const e = s[p + 1];
      if (e === 'x') {
        out.push(parseInt(s.slice(p + 2, p + 4), 16));
        p += 4;
        continue;
      }
      const v = ESCAPES[e];
      if (v === undefined) throw new Error(`unknown escape \\${e}`);
      out.push(v);
      p += 2;
      continue;
    }
    const code = c.charCodeAt(0);
    if (code > 0x7e) throw new Error(`non-ASCII character in bytes literal: ${c}`);
    out.push(code);
    p++;
  }
}

export function parsePyLine(line: string): PyLine {
  const sp1 = line.indexOf(' ');
  const sp2 = line.indexOf(' ', sp1 + 1);
  const name = line.slice(0, sp1);
  const delta = line.slice(sp1 + 1, sp2);
  if (!line.startsWith('pid=', sp2 + 1)) throw new Error(`no pid= in ${line}`);
  let p = sp2 + 5;
  let q = p;
  while (q < line.length && line[q] !== ' ') q++;
  const pid = Number(line.slice(p, q));
  p = q;
  const args: PyArg[] = [];
  while (p < line.length) {
    if (line[p] !== ' ') throw new Error(`expected a space at ${p} in ${line}`);
    p++;
    // The 8.2+ script leaves a trailing space after `pid=N` for events without arguments.
    if (p === line.length) break;
    const eq = line.indexOf('=', p);
    const argName = line.slice(p, eq);
    p = eq + 1;
    if (line[p] === 'b' && (line[p + 1] === "'" || line[p + 1] === '"')) {
      const { bytes, end } = parsePyBytes(line, p);
      args.push({ name: argName, value: bytes });
      p = end;
    } else {
      q = p;
      while (q < line.length && line[q] !== ' ') q++;
      const text = line.slice(p, q);
      if (!text.startsWith('0x')) throw new Error(`expected 0x… for ${argName} in ${line}`);
      args.push({ name: argName, value: BigInt(text) });
      p = q;
    }
  }
  return { name, delta, pid, args };
}

/** `'%0.3f' % (ns / 1000.0)` for an integer ns, computed exactly. */
export function formatDeltaUs(ns: bigint): string {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  return `${neg ? '-' : ''}${a / 1000n}.${(a % 1000n).toString().padStart(3, '0')}`;
}
