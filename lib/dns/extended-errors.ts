/**
 * The INFO-CODEs of Extended DNS Errors (RFC 8914 §4 and the IANA registry
 * "Extended DNS Error Codes"), in the words a reply uses for them.
 */
const names: readonly string[] = [
  'other error',
  'unsupported DNSKEY algorithm',
  'unsupported DS digest type',
  'stale answer',
  'forged answer',
  'DNSSEC indeterminate',
  'DNSSEC bogus',
  'signature expired',
  'signature not yet valid',
  'DNSKEY missing',
  'RRSIGs missing',
  'no zone key bit set',
  'NSEC missing',
  'cached error',
  'not ready',
  'blocked',
  'censored',
  'filtered',
  'prohibited',
  'stale NXDOMAIN answer',
  'not authoritative',
  'not supported',
  'no reachable authority',
  'network error',
  'invalid data',
  'signature expired before valid',
  'too early',
  'unsupported NSEC3 iterations value',
  'unable to conform to policy',
  'synthesized',
  'invalid query type',
];

// The codes that say validation failed; 1, 2 and 27 make a zone insecure (unvalidated), not bogus.
const validationFailures = new Set([5, 6, 7, 8, 9, 10, 11, 12, 25]);

/** “DNSSEC bogus (EDE 6)”; a code the registry does not name yet is shown by its number alone. */
export function extendedErrorName(code: number): string {
  const name = names[code];
  return name ? `${name} (EDE ${code})` : `EDE ${code}`;
}

/** Does this EDE say that the answer failed DNSSEC validation? */
export function isValidationFailure(code: number): boolean {
  return validationFailures.has(code);
}
