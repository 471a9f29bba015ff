import { css } from 'lit';

/**
 * The viewer's page, text layer and highlight styles. The text-layer rules are the part of
 * pdfjs-dist/web/pdf_viewer.css that TextLayer relies on (it sizes runs with these variables),
 * copied here because the viewer lives in a shadow root that global CSS does not reach.
 */
export const viewerStyles = css`
  :host { display: flex; flex-direction: column; min-width: 0; min-height: 0; background: var(--viewer-bg); }
  .toolbar { display: flex; align-items: center; gap: 4px; padding: 4px 8px; border-bottom: 1px solid var(--border); background: var(--panel-bg); flex-wrap: wrap; }
  .toolbar input[type='number'] { width: 4em; }
  .toolbar .spacer { flex: 1; }
  .findbar { display: flex; gap: 4px; align-items: center; padding: 4px 8px; border-bottom: 1px solid var(--border); background: var(--panel-bg); }
  .findbar[hidden] { display: none; }
  .findbar input { flex: 1; max-width: 24em; }
  .body { flex: 1; display: flex; min-height: 0; }
  .thumbs { width: 150px; overflow-y: auto; border-right: 1px solid var(--border); background: var(--panel-bg); padding: 8px 0; }
  .thumbs[hidden] { display: none; }
  .thumb { display: block; margin: 0 auto 10px; padding: 2px; border: 2px solid transparent; background: none; cursor: pointer; color: var(--fg); font: inherit; font-size: 11px; }
  .thumb[aria-current='true'] { border-color: var(--accent); }
  .thumb .img { width: 110px; background: white; display: block; box-shadow: 0 0 2px rgb(0 0 0 / 0.4); }
  .outline { width: 240px; overflow: auto; border-right: 1px solid var(--border); background: var(--panel-bg); padding: 6px 4px; font-size: 12px; }
  .outline[hidden] { display: none; }
  .outline ul { list-style: none; margin: 0; padding: 0; }
  .outline ul ul { padding-left: 14px; }
  .outline ul[hidden] { display: none; }
  .outline-row { display: flex; align-items: baseline; gap: 2px; }
  .outline .twisty { flex: none; width: 16px; padding: 0; border: none; background: none; color: var(--muted); cursor: pointer; font: inherit; }
  .outline .twisty:disabled { visibility: hidden; }
  .outline .entry { flex: 1; min-width: 0; text-align: left; padding: 2px 4px; border: none; border-radius: 3px; background: none; color: var(--fg); font: inherit; cursor: pointer; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; text-decoration: none; }
  .outline .entry:hover, .outline .entry:focus-visible { background: var(--selected-bg, rgb(0 0 0 / 0.06)); }
  .outline-note { color: var(--muted); margin: 4px 6px 8px; }
  .scroller { flex: 1; overflow: auto; position: relative; }
  .pages { display: flex; flex-direction: column; align-items: center; padding: 12px 0; gap: 12px; min-width: min-content; }
  .page { position: relative; background: white; box-shadow: 0 1px 4px rgb(0 0 0 / 0.35); flex: none; --scale-round-x: 1px; --scale-round-y: 1px; }
  .page canvas { position: absolute; inset: 0; display: block; }
  .empty { margin: auto; color: var(--muted); text-align: center; padding: 48px; }

  .linkLayer { position: absolute; inset: 0; z-index: 4; pointer-events: none; }
  .linkLayer a { position: absolute; pointer-events: auto; border-radius: 2px; }
  .linkLayer a:hover, .linkLayer a:focus-visible { background: rgb(0 120 230 / 0.12); outline: 1px solid rgb(0 120 230 / 0.5); }
  .highlightLayer { position: absolute; inset: 0; pointer-events: none; z-index: 3; }
  .highlight { position: absolute; background: rgb(255 200 0 / 0.38); outline: 2px solid rgb(230 150 0 / 0.9); border-radius: 2px; mix-blend-mode: multiply; animation: flash 1.2s ease-out 1; }
  .highlight.context { background: rgb(255 200 0 / 0.12); outline: none; animation: none; }
  .highlight.figure { background: rgb(0 140 255 / 0.12); outline: 3px solid rgb(0 120 230 / 0.9); mix-blend-mode: normal; }
  @keyframes flash { from { outline-width: 6px; } to { } }
  @media (prefers-reduced-motion: reduce) { .highlight { animation: none; } }

  .textLayer { position: absolute; text-align: initial; inset: 0; overflow: clip; opacity: 1; line-height: 1; text-size-adjust: none; forced-color-adjust: none; transform-origin: 0 0; caret-color: CanvasText; z-index: 2;
    --min-font-size: 1; --text-scale-factor: calc(var(--total-scale-factor) * var(--min-font-size)); --min-font-size-inv: calc(1 / var(--min-font-size)); }
  .textLayer :is(span, br) { color: transparent; position: absolute; white-space: pre; cursor: text; transform-origin: 0% 0%; }
  .textLayer > :not(.markedContent), .textLayer .markedContent span:not(.markedContent) { z-index: 1; --font-height: 0; font-size: calc(var(--text-scale-factor) * var(--font-height)); --scale-x: 1; --rotate: 0deg; transform: rotate(var(--rotate)) scaleX(var(--scale-x)) scale(var(--min-font-size-inv)); }
  .textLayer .markedContent { display: contents; }
  .textLayer span[role='img'] { user-select: none; cursor: default; }
  .textLayer ::selection { background: color-mix(in srgb, AccentColor, transparent 70%); }
  .textLayer br::selection { background: transparent; }
  .textLayer .endOfContent { display: block; position: absolute; inset: 100% 0 0; z-index: 0; cursor: default; user-select: none; }
  .textLayer .find-hit { background: rgb(180 0 170 / 0.25); color: transparent; border-radius: 2px; padding: 0; }
  .textLayer .find-hit.current { background: rgb(255 120 0 / 0.55); outline: 2px solid rgb(230 90 0); }
`;
