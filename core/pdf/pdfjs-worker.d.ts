// pdfjs-dist ships no typings for its worker bundle; only the handler pdf.js looks up is used.
declare module 'pdfjs-dist/legacy/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}
