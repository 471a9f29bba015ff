/** App-wide keyboard shortcuts; Cmd on macOS, Ctrl elsewhere. */
export interface ShortcutActions {
  open(): void;
  find(): void;
  focusQuestion(): void;
  zoomIn(): void;
  zoomOut(): void;
}

/** Ctrl+= and Ctrl+- zoom the PDF, not the whole page; "+" is Shift+= on many keyboards, so Shift may be held. */
function zoomAction(key: string, actions: ShortcutActions): (() => void) | undefined {
  if (key === '=' || key === '+') return actions.zoomIn;
  if (key === '-' || key === '_') return actions.zoomOut;
  return undefined;
}

export function installShortcuts(target: Window, actions: ShortcutActions): () => void {
  const onKey = (e: KeyboardEvent): void => {
    const mod = navigator.platform.startsWith('Mac') ? e.metaKey : e.ctrlKey;
    if (!mod || e.altKey) return;
    const key = e.key.toLowerCase();
    const zoom = zoomAction(key, actions);
    if (e.shiftKey && !zoom) return;
    const action = zoom ?? (key === 'o' ? actions.open : key === 'f' ? actions.find : key === 'l' ? actions.focusQuestion : undefined);
    if (!action) return;
    // Ours, not the browser's (its Open, Find and address bar).
    e.preventDefault();
    action();
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
