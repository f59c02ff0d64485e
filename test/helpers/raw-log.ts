// Facts read straight from the a-precopy log files (no engine), to check what the Migration and
// Compare pages compute through the engine: event names, timestamps and a few argument values.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SAMPLES } from './paths.ts';

export const A_PRECOPY = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');

export interface RawRecord {
  readonly tsNs: bigint;
  readonly name: string;
  readonly args: string;
}

const LINE = /^\d+@(\d+)\.(\d{6}):([A-Za-z0-9_]+) ?(.*)$/;

export function readRaw(side: 'src' | 'dst'): RawRecord[] {
  const text = gunzipSync(readFileSync(path.join(A_PRECOPY, `${side}.log.gz`))).toString('utf8');
  const out: RawRecord[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m) out.push({ tsNs: BigInt(m[1]!) * 1_000_000_000n + BigInt(m[2]!) * 1_000n, name: m[3]!, args: m[4]! });
  }
  return out;
}
