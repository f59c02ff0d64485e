// When is the split of a printed message into arguments a guess? (docs/qemu-trace-formats.md §3.4,
// §3.5 step 7). The regex reads a `%s` as the shortest string after which the rest of the
// format still matches. That answer is only certain when what follows the string cannot also
// occur inside it. The rules below flag the formats where ordinary values (strings with spaces,
// commas, colons, slashes; digits next to digits) make the split a guess:
//
//  1. `%s` directly followed by another conversion: its text can be the string's tail.
//  2. `%s` followed by another `%s` (or `%c`) with only "weak" text between them: literals
//     without a word of two or more letters (spaces, `, `, `:`, ` -> `, `0x`) and numeric
//     conversions. Strings contain such text (`0000:00:02.0/vfio`); they rarely contain words
//     like ` section_id `, so a word between two strings anchors the split.
//  3. `%s` followed by whitespace and a space-padded conversion (`%s %4d`): trailing spaces of
//     the string look like padding.
//  4. A width on `%s` (`%20s`): a shorter string's own leading (or, with `-`, trailing) spaces
//     look like padding.
//  5. A numeric conversion directly followed by another conversion, unless it always prints
//     the same number of digits (`%02x` of a uint8_t, `%08x`): the digits can belong to either.
//
// A `%s` last in the format, or followed by a word and then only numbers, is exact: the `$`
// anchor leaves one split. `(null)` is read as NULL without a flag, as glibc prints both alike.
import type { ArgSpec } from './types.ts';
import { conversionBits, conversionRadix, isIntegerConversion, maxDigits, minDigits } from './printf-tokens.ts';
import type { ConversionToken, FormatToken } from './printf-tokens.ts';

const WORD = /[A-Za-z_]{2,}/;

function isText(t: FormatToken): boolean {
  return t.kind === 'conv' && t.conv === 's';
}

/** The conversion always prints exactly as many characters (for this argument's values). */
function fixedLength(t: ConversionToken, arg: ArgSpec | null): boolean {
  if (t.conv === 'c') return t.width === null;
  if (!isIntegerConversion(t.conv) || t.conv === 'd' || t.conv === 'i' || t.flags.includes('#')) return false;
  if (t.width === '*' || t.precision === '*') return false;
  const radix = conversionRadix(t.conv);
  let bits = conversionBits(t);
  // An unsigned (or bool) argument narrower than the conversion never prints more digits than
  // its own width; a signed one can show the sign-extended pattern (`ffffff80`).
  if (arg !== null && !arg.signed && arg.kind !== 'pointer' && arg.kind !== 'string' && arg.bits < bits) bits = arg.bits;
  return minDigits(t) >= maxDigits(bits, radix);
}

function spacePadded(t: ConversionToken): boolean {
  if (t.width === null || t.flags.includes('-')) return false;
  if (t.width === '*') return true;
  return !(t.flags.includes('0') && t.precision === null && isIntegerConversion(t.conv));
}

/** Reasons why splitting this format's output into arguments is a guess (empty when exact). */
export function ambiguityReasons(tokens: readonly FormatToken[], argOf: ReadonlyMap<ConversionToken, ArgSpec | null>): string[] {
  const reasons: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind !== 'conv') continue;
    const next = tokens[k + 1];
    if (isText(t)) {
      if (t.width !== null) reasons.push(`padding of ${t.text} hides ${t.flags.includes('-') ? 'trailing' : 'leading'} spaces of shorter strings`);
      if (next === undefined) continue;
      if (next.kind === 'conv') {
        reasons.push(`${t.text} directly followed by ${next.text}`);
        continue;
      }
      const after = tokens[k + 2];
      if (/^\s+$/.test(next.text) && after !== undefined && after.kind === 'conv' && spacePadded(after)) {
        reasons.push(`${t.text} followed by blanks and the padded ${after.text}`);
        continue;
      }
      // Rule 2: walk the weak text after this string up to the next string or `%c`.
      let between = '';
      for (let j = k + 1; j < tokens.length; j++) {
        const u = tokens[j];
        if (u.kind === 'lit') {
          if (WORD.test(u.text)) break;
          between += u.text;
        } else if (u.conv === 's' || u.conv === 'c') {
          reasons.push(`${t.text} and ${u.text} separated only by ${JSON.stringify(between)}`);
          break;
        } else between += u.text;
      }
    } else if (next !== undefined && next.kind === 'conv' && t.conv !== 'c' && !fixedLength(t, argOf.get(t) ?? null)) {
      reasons.push(`${t.text} directly followed by ${next.text}`);
    }
  }
  return reasons;
}
