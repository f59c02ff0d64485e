// Where to cut a zstd stream so that no push to the decoder makes more than a few MiB.
//
// fzstd decodes every whole block of a push at once. A block's output is at most 128 KiB, but an
// RLE block is 4 bytes of input: 4 GB of zeros are 135 KB of zstd, and a 64 KiB push of them is
// 2 GB of output held at once. No slice size is safe for both that and ordinary blocks (small
// slices make fzstd copy a partly received block again on every push), so the frame and block
// headers (RFC 8878 §3.1) are followed here and the stream is cut between blocks, once the
// blocks since the last cut may have made ZSTD_PUSH_OUTPUT. Bytes that do not parse stop the
// cutting at block boundaries; slices of LOST_SLICE then keep pushes bounded until the decoder
// reports the corruption.

/** Output of the blocks of one push, at most (a little over, by one block). */
export const ZSTD_PUSH_OUTPUT = 4 << 20;
const MAX_BLOCK_OUTPUT = 128 << 10;
/** 64 RLE blocks of 128 KiB: 8 MiB. */
const LOST_SLICE = 256;

const enum Phase {
  Magic,
  FrameHeader,
  Skip,
  BlockHeader,
  SkippableSize,
  Lost,
}

export class ZstdBlockCutter {
  private phase = Phase.Magic;
  /** Bytes of the field being read (magic, block header, skippable frame size). */
  private readonly field = new Uint8Array(4);
  private fieldLen = 0;
  /** Bytes to pass over (frame header rest, block content, checksum, skippable data). */
  private skip = 0;
  /** What follows the bytes being passed over. */
  private after = Phase.Magic;
  /** The current frame has a content checksum after its last block. */
  private checksum = false;
  /** Output the blocks since the last cut may have made. */
  private budget = 0;

  /** Offsets in `chunk` (ascending, in (0, chunk.length)) where a push should end. */
  cuts(chunk: Uint8Array): number[] {
    const out: number[] = [];
    const n = chunk.length;
    let p = 0;
    /** Where the field being read began in this chunk (-1: in an earlier one). */
    let fieldStart = this.fieldLen === 0 ? 0 : -1;
    while (p < n) {
      if (this.phase === Phase.Lost) {
        for (let c = p + LOST_SLICE; c < n; c += LOST_SLICE) out.push(c);
        return out;
      }
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - p);
        this.skip -= k;
        p += k;
        if (this.skip === 0) this.phase = this.after;
        continue;
      }
      if (this.fieldLen === 0) fieldStart = p;
      const want = this.phase === Phase.BlockHeader ? 3 : this.phase === Phase.FrameHeader ? 1 : 4;
      this.field[this.fieldLen++] = chunk[p++];
      if (this.fieldLen < want) continue;
      this.fieldLen = 0;
      const f = this.field;
      switch (this.phase) {
        case Phase.Magic:
          if (f[0] === 0x28 && f[1] === 0xb5 && f[2] === 0x2f && f[3] === 0xfd) this.phase = Phase.FrameHeader;
          else if ((f[0] & 0xf0) === 0x50 && f[1] === 0x2a && f[2] === 0x4d && f[3] === 0x18) this.phase = Phase.SkippableSize;
          else this.lose();
          break;
        case Phase.FrameHeader: {
          const d = f[0];
          if (d & 8) {
            this.lose();
            break;
          }
          const single = (d >> 5) & 1;
          this.checksum = ((d >> 2) & 1) === 1;
          const rest = (single ? 0 : 1) + [0, 1, 2, 4][d & 3] + [single, 2, 4, 8][d >> 6];
          this.pass(rest, Phase.BlockHeader);
          break;
        }
        case Phase.BlockHeader: {
          const h = f[0] | (f[1] << 8) | (f[2] << 16);
          const last = (h & 1) === 1;
          const type = (h >> 1) & 3;
          const size = h >>> 3;
          if (type === 3) {
            this.lose();
            break;
          }
          const made = type === 2 ? MAX_BLOCK_OUTPUT : size;
          if (this.budget > 0 && this.budget + made > ZSTD_PUSH_OUTPUT) {
            // Before this block's header, or right after it when the header began in an earlier chunk.
            const cut = fieldStart >= 0 ? fieldStart : p;
            if (cut > 0 && cut < n && (out.length === 0 || out[out.length - 1] < cut)) out.push(cut);
            this.budget = 0;
          }
          this.budget += made;
          this.pass((type === 1 ? 1 : size) + (last && this.checksum ? 4 : 0), last ? Phase.Magic : Phase.BlockHeader);
          break;
        }
        case Phase.SkippableSize:
          this.pass((f[0] | (f[1] << 8) | (f[2] << 16) | (f[3] << 24)) >>> 0, Phase.Magic);
          break;
        default:
          break;
      }
    }
    return out;
  }

  private pass(bytes: number, then: Phase): void {
    this.skip = bytes;
    this.after = then;
    if (bytes === 0) this.phase = then;
    else this.phase = Phase.Skip;
  }

  /** Not a stream this follows: from here on, cut every LOST_SLICE bytes. */
  private lose(): void {
    this.phase = Phase.Lost;
  }
}
