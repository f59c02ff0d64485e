// Uncaught errors become a visible banner instead of a silently broken window.
import { h } from '../util/dom.ts';

export interface ErrorBanner {
  show(message: string): void;
}

export function installErrorBanner(host: HTMLElement): ErrorBanner {
  const text = h('span', { class: 'banner-text' });
  const close = h('button', { class: 'btn small', title: 'Dismiss' }, 'Dismiss');
  const banner = h('div', { class: 'error-banner', role: 'alert', hidden: true }, text, close);
  host.prepend(banner);
  close.addEventListener('click', () => (banner.hidden = true));

  const show = (message: string) => {
    text.textContent = message;
    banner.hidden = false;
  };
  window.addEventListener('error', (ev) => {
    // Layout-loop notices are benign and not actionable by the user.
    if (/ResizeObserver loop/.test(ev.message)) return;
    show(`Unexpected error: ${ev.message}`);
  });
  window.addEventListener('unhandledrejection', (ev) => {
    const r: unknown = ev.reason;
    show(`Unexpected error: ${r instanceof Error ? r.message : String(r)}`);
  });
  return { show };
}
