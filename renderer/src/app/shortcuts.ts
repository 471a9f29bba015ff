/** App-wide keyboard shortcuts; Cmd on macOS, Ctrl elsewhere. */
export interface ShortcutActions {
  open(): void;
  find(): void;
  focusQuestion(): void;
}

export function installShortcuts(target: Window, actions: ShortcutActions): () => void {
  const onKey = (e: KeyboardEvent): void => {
    const mod = navigator.platform.startsWith('Mac') ? e.metaKey : e.ctrlKey;
    if (!mod || e.altKey || e.shiftKey) return;
    const key = e.key.toLowerCase();
    const action = key === 'o' ? actions.open : key === 'f' ? actions.find : key === 'l' ? actions.focusQuestion : undefined;
    if (!action) return;
    // Ours, not the browser's (its Open, Find and address bar).
    e.preventDefault();
    action();
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
