// Reads the QEMU 7.2 a-precopy log sample directly (no engine): `TID@SEC.USEC:name args` lines
// from the source and destination, so panel logic is checked against facts taken from the raw
// files rather than from the engine under test elsewhere.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SAMPLES } from './paths.ts';

export const A_PRECOPY = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');

export interface LogRecord {
  readonly side: 'src' | 'dst';
  readonly seq: number;
  readonly tid: number;
  readonly tsNs: bigint;
  readonly name: string;
}

const LINE = /^(\d+)@(\d+)\.(\d{6}):([A-Za-z0-9_]+)/;

export function readLog(side: 'src' | 'dst'): LogRecord[] {
  const text = gunzipSync(readFileSync(path.join(A_PRECOPY, `${side}.log.gz`))).toString('utf8');
  const out: LogRecord[] = [];
  let seq = 0;
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    out.push({ side, seq: seq++, tid: Number(m[1]), tsNs: BigInt(m[2]!) * 1_000_000_000n + BigInt(m[3]!) * 1_000n, name: m[4]! });
  }
  return out;
}
