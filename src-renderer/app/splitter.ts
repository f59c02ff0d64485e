// Draggable divider between two panes; the size is remembered per divider.
import { h } from '../util/dom.ts';

export function addSplitter(
  between: { before: HTMLElement; container: HTMLElement },
  opts: { axis: 'x' | 'y'; key: string; initial: number; min: number; max: (container: HTMLElement) => number; onResize(): void },
): HTMLElement {
  const el = h('div', { class: `splitter splitter-${opts.axis}`, role: 'separator', 'aria-orientation': opts.axis === 'x' ? 'vertical' : 'horizontal', tabindex: 0 });
  const prop = opts.axis === 'x' ? 'width' : 'height';
  const saved = Number(localStorage.getItem(opts.key));
  const apply = (px: number) => {
    const v = Math.round(Math.max(opts.min, Math.min(opts.max(between.container), px)));
    between.before.style.flexBasis = `${v}px`;
    between.before.style[prop] = `${v}px`;
    return v;
  };
  apply(Number.isFinite(saved) && saved > 0 ? saved : opts.initial);
  el.addEventListener('pointerdown', (ev) => {
    ev.preventDefault();
    el.setPointerCapture(ev.pointerId);
    const start = opts.axis === 'x' ? ev.clientX : ev.clientY;
    const startSize = between.before.getBoundingClientRect()[prop];
    document.body.classList.add(`resizing-${opts.axis}`);
    const move = (e: PointerEvent) => {
      apply(startSize + (opts.axis === 'x' ? e.clientX : e.clientY) - start);
      opts.onResize();
    };
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      document.body.classList.remove(`resizing-${opts.axis}`);
      try {
        localStorage.setItem(opts.key, String(Math.round(between.before.getBoundingClientRect()[prop])));
      } catch {
        /* storage unavailable: the size is just not remembered */
      }
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  });
  el.addEventListener('keydown', (ev) => {
    const d = { ArrowLeft: -20, ArrowUp: -20, ArrowRight: 20, ArrowDown: 20 }[ev.key];
    if (d === undefined) return;
    ev.preventDefault();
    apply(between.before.getBoundingClientRect()[prop] + d);
    opts.onResize();
  });
  return el;
}
