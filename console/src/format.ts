const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

export type Decoding = 'auto' | 'json' | 'text' | 'hex';

/** A key or value as the person asked to see it. */
export function decode(text: string | null, base64: string | null, how: Decoding): string {
  if (text === null || base64 === null) return '∅';
  if (how === 'hex') {
    const raw = atob(base64);
    return Array.from(raw, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(' ');
  }
  if (how === 'json' || how === 'auto') {
    try {
      return JSON.stringify(JSON.parse(text), null, how === 'json' ? 2 : undefined);
    } catch {
      if (how === 'json') return `(not JSON) ${text}`;
    }
  }
  return text;
}
