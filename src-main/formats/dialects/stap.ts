// `qemu-trace-stap run` output, printed by the `*-log.stp` tapset (docs/qemu-trace-formats.md §4.4):
//   PID@NS name msg
// PID is the process id, NS integer Unix-epoch nanoseconds (gettimeofday_ns), and a space — not
// a colon as in the log backend — follows the timestamp. Unknown names are accepted (the caller
// files them as unparsed); the tapset prints nothing but these lines.
import type { TextDialect, TextHeader } from '../text-types.ts';
import { digitsValue, MAX_TS_NS, messageAfter, nameEnd, skipDigits } from './scan.ts';

const AT = 64;
const SPACE = 32;

export function parseStapLine(line: string): TextHeader | null {
  const pidEnd = skipDigits(line, 0);
  if (pidEnd === 0 || pidEnd > 15 || line.charCodeAt(pidEnd) !== AT) return null;
  const nsStart = pidEnd + 1;
  const nsEnd = skipDigits(line, nsStart);
  // 20 digits cover every u64; the tapset prints gettimeofday_ns() as a plain decimal.
  if (nsEnd === nsStart || nsEnd - nsStart > 20 || line.charCodeAt(nsEnd) !== SPACE) return null;
  const nameStart = nsEnd + 1;
  const end = nameEnd(line, nameStart);
  if (end < 0) return null;
  const tsNs =
    nsEnd - nsStart <= 15 ? BigInt(digitsValue(line, nsStart, nsEnd)) : BigInt(line.slice(nsStart, nsEnd));
  // Past 2262 a u64 no longer fits ts_ns (BIGINT): not a timestamp this table can hold.
  if (tsNs > MAX_TS_NS) return null;
  return {
    tsNs,
    tid: null,
    pid: digitsValue(line, 0, pidEnd),
    name: line.slice(nameStart, end),
    msg: messageAfter(line, end),
    prefixStyle: 'pid@ns',
  };
}

export const stap: TextDialect = {
  format: 'stap',
  clock: 'epoch',
  parse: (line) => parseStapLine(line),
};
