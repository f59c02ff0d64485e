// Canvas plumbing the Events and Tracks views share: a canvas sized for the device's pixel ratio,
// and one redraw per animation frame however many changes ask for it.

/** Size `c` to w×h CSS pixels at the device pixel ratio; the context draws in CSS pixels. */
export function sizeCanvas(c: HTMLCanvasElement, w: number, hgt: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const pw = Math.max(1, Math.round(w * dpr));
  const ph = Math.max(1, Math.round(hgt * dpr));
  if (c.width !== pw || c.height !== ph) {
    c.width = pw;
    c.height = ph;
    c.style.width = `${w}px`;
    c.style.height = `${hgt}px`;
  }
  const ctx = c.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** `schedule()` draws once at the next frame; `cancel()` drops a pending draw (on dispose). */
export function frameScheduler(draw: () => void): { schedule(): void; cancel(): void } {
  let frame = 0;
  return {
    schedule() {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        draw();
      });
    },
    cancel() {
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
    },
  };
}
