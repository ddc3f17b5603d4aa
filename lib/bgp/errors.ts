/** Errors of the BGP table layer, each its own class so callers can tell them apart. */

/** A query names something that is not an IP address, prefix or AS number. */
export class InvalidBgpQueryError extends Error {
  override readonly name = 'InvalidBgpQueryError';
}
