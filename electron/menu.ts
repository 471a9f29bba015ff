/** The application menu: File (Open…, Open Recent, Close, Quit), Edit, View, Window. */
import { Menu, app, type MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';

export interface MenuActions {
  open(): void;
  openPath(path: string): void;
  clearRecent(): void;
  close(): void;
  find(): void;
  focusQuestion(): void;
}

export function buildMenu(recent: readonly string[], actions: MenuActions): Menu {
  const mac = process.platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? [...recent.map((p) => ({ label: basename(p), toolTip: p, click: () => actions.openPath(p) })), { type: 'separator' }, { label: 'Clear Recent', click: actions.clearRecent }]
    : [{ label: 'No recent documents', enabled: false }];
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: '&Open…', accelerator: 'CmdOrCtrl+O', click: actions.open },
        { label: 'Open &Recent', submenu: recentItems },
        { type: 'separator' },
        { label: '&Close Document', accelerator: 'CmdOrCtrl+W', click: actions.close },
        ...(mac ? [] : [{ type: 'separator' as const }, { label: '&Quit', accelerator: 'Ctrl+Q', click: () => app.quit() }]),
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' },
        { type: 'separator' },
        { label: '&Find in Document', accelerator: 'CmdOrCtrl+F', click: actions.find },
        { label: 'Ask a &Question', accelerator: 'CmdOrCtrl+L', click: actions.focusQuestion },
      ],
    },
    { label: '&View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }])] },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
