/**
 * Array#push as the engine ships it, captured before pdf.js loads. pdf.js's legacy build bundles a core-js
 * polyfill that replaces Array.prototype.push for the whole process (it guards an edge case with
 * non-writable array lengths that nothing here meets) and is about four times slower; pdfjs.ts puts the
 * engine's own push back right after loading pdf.js.
 */
export const nativePush = Array.prototype.push;
