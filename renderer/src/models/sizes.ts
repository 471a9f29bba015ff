/** Model sizes in the reader's locale: GB from a gigabyte up, MB below (decimal, as the Hub shows them). */
const gb = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'gigabyte', maximumFractionDigits: 2 });
const mb = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 });

export function size(bytes: number): string {
  return bytes >= 1e9 ? gb.format(bytes / 1e9) : mb.format(bytes / 1e6);
}
