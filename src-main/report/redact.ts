// Redaction for reports shared outside the team: hostnames, IP addresses, file paths and pointer
// values become placeholders. One Redactor serves a whole export so that the same value maps to
// the same placeholder in every file (md, html, txt, data, provenance).
import os from 'node:os';

type Kind = 'host' | 'ip' | 'path' | 'ptr';

const IPV4 = String.raw`(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.]*\d)`;
// Full 8-group form, or any form with "::" (compressed); plain "12:34:56" clock times do not match.
const IPV6 = String.raw`(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:)(?![\w:])`;
// Hex text of pointer length: a 64-bit host address has more than eight significant digits
// (0x55…, 0x7f…, 0xffff…). Flags, RAM offsets and guest addresses below 4 GiB stay readable;
// a plain integer is never a pointer here (only a pointer-typed column's values are: pointer()).
const HEX = String.raw`(?<![\w])0[xX]0*[0-9A-Fa-f]{9,16}(?![\w])`;
// Absolute, home- or dot-relative paths; a slash after a word character ("src/dst", "1/2") is not one.
const PATH = String.raw`(?<![\w.\-~/<])(?:~|\.\.?)?\/[\w.+@%=\-]+(?:\/[\w.+@%=\-]*)*`;
const TLDS = 'com|org|net|edu|gov|io|dev|local|localdomain|lan|internal|corp|intra|home|cloud|de|fr|uk|us|cn|jp|ru|nl|cz|it|ch|se|ca|au';
const FQDN = String.raw`(?<![\w.\-])(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+(?:${TLDS})(?![\w\-]|\.[A-Za-z])`;
const HOSTNAME_ARG = /\b(host(?:name)?|server|node)=([A-Za-z0-9][\w.\-]*)/g;

export class Redactor {
  private readonly maps = new Map<Kind, Map<string, string>>();
  private readonly knownHosts = new Set<string>();
  private readonly pattern: RegExp;

  constructor(knownHosts: Iterable<string> = []) {
    for (const h of [os.hostname(), ...knownHosts]) this.addHost(h);
    this.pattern = new RegExp(`(${IPV4})|(${IPV6})|(${HEX})|(${PATH})|(${FQDN})`, 'g');
  }

  /** A hostname seen in the data (a `hostname` column, `hostname=` argument): redacted wherever it appears. */
  addHost(h: string): void {
    const s = h.trim();
    if (s.length < 2 || s === 'localhost' || /^[\d.:]+$/.test(s) || /^0x/i.test(s)) return;
    this.knownHosts.add(s);
  }

  placeholder(kind: Kind, value: string): string {
    let m = this.maps.get(kind);
    if (!m) this.maps.set(kind, (m = new Map()));
    const key = kind === 'ptr' ? normalizeHex(value) : kind === 'host' ? value.toLowerCase() : value;
    let p = m.get(key);
    if (p === undefined) {
      p = `${kind}-${m.size + 1}`;
      m.set(key, p);
    }
    return p;
  }

  /** A value of a pointer-typed column (report/result-pointers.ts decides which those are). */
  pointer(v: bigint | number): string {
    return this.placeholder('ptr', `0x${BigInt(v).toString(16)}`);
  }

  /** Every sensitive token of free text replaced. */
  text(s: string): string {
    if (s.length === 0) return s;
    for (const m of s.matchAll(HOSTNAME_ARG)) this.addHost(m[2]);
    let out = s.replace(this.pattern, (all: string, ip4?: string, ip6?: string, hex?: string, p?: string, fqdn?: string) => {
      if (ip4) return this.placeholder('ip', ip4);
      if (ip6) return this.placeholder('ip', ip6.toLowerCase());
      if (hex) return this.placeholder('ptr', hex);
      if (p) {
        // A sentence's full stop after a path is not part of it.
        const core = p.replace(/\.+$/, '');
        return this.placeholder('path', core) + p.slice(core.length);
      }
      if (fqdn) return this.placeholder('host', fqdn);
      return all;
    });
    for (const h of [...this.knownHosts].sort((a, b) => b.length - a.length)) {
      if (!out.toLowerCase().includes(h.toLowerCase())) continue;
      out = out.replace(new RegExp(`(?<![\\w.\\-])${escapeRegExp(h)}(?![\\w\\-]|\\.[\\w])`, 'gi'), (m) => this.placeholder('host', m));
    }
    return out;
  }

  /** The mapping so far (kind → original → placeholder); for tests and for the person redacting. */
  mapping(): ReadonlyMap<Kind, ReadonlyMap<string, string>> {
    return this.maps;
  }
}

function normalizeHex(v: string): string {
  const t = v.trim().toLowerCase();
  if (!/^0x[0-9a-f]+$/.test(t)) return t;
  return `0x${BigInt(t).toString(16)}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
