const names: Record<number, string> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 16: 'BADVERS' };

/** An RCODE as dig names it; one without a name as `RCODE n`. */
export function rcodeName(rcode: number): string {
  return names[rcode] ?? `RCODE ${rcode}`;
}
