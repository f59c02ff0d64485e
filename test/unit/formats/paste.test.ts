// The paste rule: found from the head, then applied to each line on its own.
import { describe, expect, it } from 'vitest';
import { describePaste, detectPaste, normaliseLine, rewritesLines, type PasteRule } from '../../../src-main/formats/paste.ts';

const REC = [
  '27495@1795635788.367529:migrate_set_state new state setup',
  '27495@1795635788.367543:monitor_protocol_event_emit event=40 data=0x5593df54ec00',
  '27495@1795635788.369562:migration_socket_outgoing_connected hostname=127.0.0.1',
];
const known = (name: string) => name === 'migrate_set_state';
const bytes = (lines: string[], eol = '\n') => Buffer.from(lines.join(eol) + eol);
const rule = (r: Partial<PasteRule>): PasteRule => ({ quoteDepth: 0, indent: '', fences: false, hmp: false, crlf: false, ...r });

describe('detectPaste', () => {
  it('finds nothing in a plain log, so its decoding is unchanged', () => {
    expect(detectPaste(bytes(REC), known)).toBeNull();
    // Prose with a quote marker that does not make a record: nothing to remove.
    expect(detectPaste(bytes(['> just a remark', ...REC]), known)).toBeNull();
  });

  it('records CRLF without rewriting lines (the line splitter already drops the CR)', () => {
    const r = detectPaste(bytes(REC, '\r\n'), known);
    expect(r).toEqual(rule({ crlf: true }));
    expect(rewritesLines(r)).toBe(false);
    expect(describePaste(r)).toBe('crlf');
  });

  it('takes the quote depth where the records are, not that of the prose around them', () => {
    const mail = ['Someone wrote:', '> I ran it again:', '>', ...REC.map((l) => `> > ${l}`), '> > ```', '> thanks', 'My reply'];
    const r = detectPaste(bytes(mail), known);
    expect(r).toEqual(rule({ quoteDepth: 2, fences: true }));
    expect(describePaste(r)).toBe('quote ">" depth 2; fences');
  });

  it('takes the indentation of the records and the HMP prompt', () => {
    expect(detectPaste(bytes(REC.map((l) => `\t(qemu) ${l}`)), known)).toEqual(rule({ indent: '\t', hmp: true }));
    // A tie keeps the lines as they are.
    expect(detectPaste(bytes([...REC, ...REC.map((l) => `  ${l}`)]), known)).toBeNull();
  });
});

describe('normaliseLine', () => {
  const r = rule({ quoteDepth: 2, indent: '    ', fences: true, hmp: true });
  it('removes the markers of lines that have them and keeps other lines as they are', () => {
    expect(normaliseLine(r, `>>     ${REC[0]}`)).toBe(REC[0]);
    expect(normaliseLine(r, `> >     (qemu) ${REC[0]}`)).toBe(REC[0]);
    // Quote markers go at every depth (one mail quotes source and destination at two depths).
    expect(normaliseLine(r, '> shallower prose')).toBe('shallower prose');
    expect(normaliseLine(r, '>>> deeper')).toBe('deeper');
    expect(normaliseLine(r, `> ${REC[0]}`)).toBe(REC[0]);
    expect(normaliseLine(r, `> > > ${REC[0]}`)).toBe(REC[0]);
    expect(normaliseLine(r, `>>>${REC[0]}`)).toBe(REC[0]);
    expect(normaliseLine(r, 'unquoted reply')).toBe('unquoted reply');
    expect(normaliseLine(r, '>>')).toBe('');
    expect(normaliseLine(r, '>>   ')).toBe('');
    expect(normaliseLine(r, '>>     ```console')).toBeNull();
    expect(normaliseLine(r, '>> ~~~')).toBeNull();
  });

  it('describes indentation by its characters', () => {
    expect(describePaste(rule({ indent: '\t\t' }))).toBe('indent 2 tabs');
    expect(describePaste(rule({ indent: ' \t' }))).toBe('indent " \\t"');
    expect(describePaste(null)).toBeNull();
  });
});
