// Which lines may continue a QEMU message: the shapes of real multi-line payloads (hexdumps,
// register dumps, JSON, the literal text after a `\n` in a format) join; what surrounds traces in
// real files and pastes never does, and the decoder says why in `unparsed`.
import { describe, expect, it } from 'vitest';
import { loadCatalogueFile } from '../../../../src-main/catalogue/index.ts';
import { isHexRow, notAContinuation } from '../../../../src-main/formats/dialects/continuation.ts';
import { log } from '../../../../src-main/formats/dialects/index.ts';
import { TextTraceDecoder } from '../../../../src-main/formats/text-decoder.ts';
import type { EventRecord, RecordSink, UnparsedRecord } from '../../../../src-main/formats/types.ts';
import { DEBIAN_72 } from '../../../helpers/paths.ts';

const cat72 = loadCatalogueFile(DEBIAN_72);
const isKnown = (n: string) => cat72.get(n) !== undefined;

describe('notAContinuation', () => {
  // Lines QEMU itself prints after a record header: all must stay joinable.
  const payload = [
    '80 01 00 00 00 0a', // tpm_util_show_buffer hexdump (7.2: "direction: %s len: %zu\n%s")
    '00a0: 12 34 56 78', // an offset-prefixed hexdump line: a hex offset is no program name
    '  size: 0x20000, offset: 0xe0000, flags: 0x1', // vfio_pci_load_rom's second format line
    'pdtra=0x00ff, pctra=0x0000a5a5', // sh7750_porta
    '0x00000001 0x00000002 0x00000003 0x00000004', // usb_ohci_iso_td_head
    'frame_count  0x00000007 relative -3',
    '  "blk": false,', // JSON a QMP client sent, pretty-printed
    '}',
    'second" load failed, ret = -5',
    'sa 0x00001000 ea 0x00001fff',
    '>80 01 00 00', // not a scissors line
    'add: 0x10', // a hex word before a colon is no program name either
  ];
  it.each(payload)('may continue: %s', (line) => {
    expect(notAContinuation(line, isKnown)).toBeNull();
  });

  const foreign: [string, string][] = [
    ['', 'blank line'],
    ['   \t', 'blank line'],
    ['\r', 'blank line'],
    ['...', 'elision mark'],
    ['…', 'elision mark'],
    ['[...]', 'elision mark'],
    ['  [... 1200 lines ...]', 'elision mark'],
    ['<snip>', 'elision mark'],
    ['[snip]', 'elision mark'],
    ['-- snip --', 'elision mark'],
    ['-- >8 --', 'elision mark'],
    ['qemu-system-x86_64: ram_save_setup failed: Input/output error', 'error_report line'],
    ['qemu-kvm: warning: host doesn\'t support requested feature: CPUID.01H:ECX.vmx [bit 5]', 'error_report line'],
    ['qemu-system-aarch64: -drive if=none,file=x.img: Could not open \'x.img\': No such file or directory', 'error_report line'],
    ['qemu-img: Could not open \'a.qcow2\': Permission denied', 'error_report line'],
    ['/usr/bin/qemu-system-x86_64: terminating on signal 15', 'error_report line'],
    ['2026-11-25T20:23:15.123456Z qemu-system-x86_64: load of migration failed: Invalid argument', 'error_report line'],
    ['2026-11-25T20:23:15Z qemu-system-x86_64: terminating on signal 15 from pid 1234 (/usr/sbin/libvirtd)', 'error_report line'],
    ['virtiofsd: Waiting for vhost-user socket connection...', 'error_report line'],
    ['libvirt-guests.sh: Shutting down guests', "message of another program ('libvirt-guests.sh:')"],
    ['2026-11-25 20:23:15.123+0000: starting up libvirt version: 9.0.0, qemu version: 7.2.0', 'libvirt log line'],
    ['2026-11-25 20:23:15.123+0000: 2841: info : virObjectUnref:378 : OBJECT_UNREF: obj=0x7f2a4c00a0b0', 'libvirt log line'],
    ['LC_ALL=C PATH=/usr/bin HOME=/var/lib/libvirt/qemu/domain-1-vm /usr/bin/qemu-system-x86_64 -name guest=vm', 'libvirt log line'],
    ['(qemu-system-x86_64:1234): GLib-WARNING **: 20:23:15.123: g_main_context_pop_thread_default: assertion failed', 'GLib log line'],
    ['$ virsh migrate --live vm qemu+ssh://dst/system', 'shell prompt'],
    ['# virsh domjobinfo vm', 'shell prompt'],
    ['user@host:~$ ./qemu-system-x86_64 -trace migrate_*', 'shell prompt'],
    ['root@dst:/var/log# tail -f qemu.log', 'shell prompt'],
    ['[root@host ~]# virsh start vm', 'shell prompt'],
    ['(qemu) info migrate', 'HMP prompt'],
    ['(qemu) ', 'HMP prompt'],
    ['```', 'Markdown fence'],
    ['```text', 'Markdown fence'],
    ['~~~', 'Markdown fence'],
    ['# tracer: nop', 'ftrace header line'],
    ['27495@1795635788.367529:migrate_set_state new state setup', 'log record'],
    ['migrate_set_state new state active', 'log record'],
    ['27495@1795635788367529000 migrate_set_state new state setup', 'stap record'],
    ['       CPU 0/KVM-28160   [001] d..2.  5412.123456: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0xffffffff8108d4c6', 'ftrace record'],
    ['Nov 25 20:23:15 myhost qemu-system-x86_64[27495]: migrate_set_state new state active', 'syslog record'],
    ['Nov 25 20:23:15 myhost sshd[812]: Accepted publickey for root', 'timestamped line of another logger'],
    ['[ 1234.567890] kvm: zapping shadow pages for mmio generation wraparound', 'timestamped line of another logger'],
  ];
  it.each(foreign)('never continues: %j', (line, kind) => {
    expect(notAContinuation(line, isKnown)).toBe(kind);
  });
});

describe('isHexRow', () => {
  it.each(['80 01 00 00 00 16 00 00 01 44 00 00 00 00 00 00 ', '00 00 00 00 00 00 ', '80 01 00 00 00 0a', 'AB'])('a row of hex bytes: %j', (line) => {
    expect(isHexRow(line)).toBe(true);
  });
  it.each(['00000000  51 45 56 4d 00 00 00 03  |QEVM....|', '00a0: 12 34 56 78', ' 80 01', '80  01', '801', 'Broken pipe', 'add be ef', ''])('not one: %j', (line) => {
    expect(isHexRow(line)).toBe(false);
  });
});

interface Collected {
  events: EventRecord[];
  unparsed: UnparsedRecord[];
}

function decode(lines: string[]): { out: Collected; continuations: number } {
  const out: Collected = { events: [], unparsed: [] };
  const sink: RecordSink = { event: (r) => void out.events.push(r), unparsed: (r) => void out.unparsed.push(r), dropped: () => {} };
  const dec = new TextTraceDecoder(log, cat72);
  let offset = 0;
  lines.forEach((l, i) => {
    dec.line(l, i + 1, offset, sink);
    offset += Buffer.byteLength(l) + 1;
  });
  dec.end(sink);
  return { out, continuations: dec.stats.continuations };
}

const value = (r: EventRecord, arg: string) => r.args[r.event.args.findIndex((a) => a.name === arg)];

describe('TextTraceDecoder: continuation lines', () => {
  it('keeps a %s value whole and files each glued-on line with its reason and line number', () => {
    const lines = [
      '27495@1795635788.367529:migrate_set_state new state cancelled', // 1
      'qemu-system-x86_64: ram_save_setup failed: Input/output error', // 2
      '27495@1795635788.367530:migrate_set_state new state failed', // 3
      '```', // 4
      '27495@1795635788.367531:migrate_set_state new state setup', // 5
      '(qemu) info migrate', // 6
      'Migration status: setup', // 7: after the prompt, no record is open
      '27495@1795635788.367532:migrate_set_state new state active', // 8
      '', // 9
      '27495@1795635788.367533:migrate_set_state new state completed', // 10
    ];
    const { out, continuations } = decode(lines);
    expect(out.events.map((e) => value(e, 'new_state'))).toEqual(['cancelled', 'failed', 'setup', 'active', 'completed']);
    expect(out.unparsed.map((u) => [u.line, u.reason, u.raw])).toEqual([
      [2, 'error_report line (not part of the previous record)', lines[1]],
      [4, 'Markdown fence (not part of the previous record)', lines[3]],
      [6, 'HMP prompt (not part of the previous record)', lines[5]],
      [7, 'not a trace record (foreign line)', lines[6]],
      [9, 'blank line (not part of the previous record)', ''],
    ]);
    expect(continuations).toBe(0);
    // seq follows file order across records and refused lines.
    expect([...out.events, ...out.unparsed].map((r) => r.seq).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  it('still joins what QEMU prints on several lines, and counts the lines joined', () => {
    const lines = [
      '1@1795635788.000001:tpm_util_show_buffer direction: in len: 10',
      '80 01 00 00 00 0a',
      '00 00 00 00',
      '1@1795635788.000002:vfio_pci_load_rom Device 0000:00:02.0 ROM:',
      '  size: 0x20000, offset: 0xe0000, flags: 0x1',
      // A line after an event without %s whose format lines are complete: foreign at once.
      '1@1795635788.000003:sh7750_porta porta changed from 0x0001 to 0x0003',
      'pdtra=0x00ff, pctra=0x0000a5a5',
      'pdtra=0x00ff, pctra=0x0000a5a5',
    ];
    const { out, continuations } = decode(lines);
    expect(out.events.map((e) => [e.event.name, ...e.args])).toEqual([
      ['tpm_util_show_buffer', 'in', 10n, '80 01 00 00 00 0a\n00 00 00 00'],
      ['vfio_pci_load_rom', '0000:00:02.0', 0x20000n, 0xe0000n, 1n],
      ['sh7750_porta', 1, 3, 0xff, 0xa5a5],
    ]);
    expect(out.unparsed.map((u) => [u.line, u.reason])).toEqual([[8, 'not a trace record (foreign line)']]);
    expect(continuations).toBe(2 + 1 + 1);
  });

  it('joins a blank line where the format breaks the line before an empty %s', () => {
    const { out, continuations } = decode(['1@1795635788.000001:tpm_util_show_buffer direction: out len: 0', '']);
    expect(out.events.map((e) => e.args)).toEqual([['out', 0n, '']]);
    expect(out.unparsed).toEqual([]);
    expect(continuations).toBe(1);
  });
});
