// Redaction of free text: each kind of sensitive token is replaced, the same value always by the
// same placeholder, and ordinary trace text (RAM block names, times, small flags) is left alone.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src-main/report/redact.ts';

describe('Redactor', () => {
  it('replaces IPs, paths, pointers and hostnames consistently', () => {
    const r = new Redactor(['build-host-7']);
    const a = r.text('migrate uri tcp:10.1.2.3:4444 from /var/lib/qemu/vm1.img at 0x7f66abe06000 on build-host-7');
    const b = r.text('again 10.1.2.3 and 0x7F66ABE06000 and /var/lib/qemu/vm1.img, other 10.1.2.4');
    expect(a).toBe('migrate uri tcp:ip-1:4444 from path-1 at ptr-1 on host-1');
    expect(b).toBe('again ip-1 and ptr-1 and path-1, other ip-2');
    expect(r.pointer(0x7f66abe06000n)).toBe('ptr-1');
  });

  it('recognises IPv6 and fully qualified host names', () => {
    const r = new Redactor();
    expect(r.text('dst [fe80::1ff:fe23:4567:890a]:4444 and 2001:db8:0:0:0:0:2:1')).toBe('dst [ip-1]:4444 and ip-2');
    expect(r.text('migrating to node12.lab.example.com now')).toBe('migrating to host-1 now');
    expect(r.text('hostname=alpha then alpha again.')).toBe('hostname=host-2 then host-2 again.');
    expect(r.text('see /data/x.log.')).toBe('see path-1.');
  });

  it('leaves RAM block names, times, ratios and small constants alone', () => {
    const r = new Redactor();
    const s = 'ram_save_page pc.ram: offset: 0x6000 flags: 0x8 at 12:34:56.789 ratio 1/2 src/dst 2839.088 ms';
    expect(r.text(s)).toBe(s);
  });

  it('redacts hex text of pointer length only: RAM offsets and guest addresses below 4 GiB stay', () => {
    const r = new Redactor();
    expect(r.text('ram_load_loop pc.ram: addr: 0x7ffe000 host 0x55d0c3a4b000 at 0xffffffff')).toBe('ram_load_loop pc.ram: addr: 0x7ffe000 host ptr-1 at 0xffffffff');
    expect(r.text('again 0x000055d0c3a4b000')).toBe('again ptr-1');
  });
});
