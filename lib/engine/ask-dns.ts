import { DnsNetworkError, DnsTimeoutError, NoUpstreamOfFamilyError } from '../dns/errors.ts';
import { RecordType } from '../dns/record-types.ts';
import type { DnsResponse, QueryOptions, Resolver } from '../dns/resolver.ts';
import type { DnsQuestionRequest } from './question/question.ts';

/** What happened to one record type of a question: a response, or why there is none. */
export type TypeOutcome =
  | {
      readonly type: number;
      readonly response: DnsResponse;
      /** After a SERVFAIL, the same question asked with CD: what the resolver has when it does not validate. */
      readonly unvalidated?: DnsResponse;
    }
  | { readonly type: number; readonly error: DnsTimeoutError | DnsNetworkError | NoUpstreamOfFamilyError };

const RCODE_SERVFAIL = 2;

// A question for these types is a question about DNSSEC: the DNSSEC records come with it.
const dnssecTypes = new Set(['RRSIG', 'DNSKEY', 'DS', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY'].map((name) => RecordType[name]));

/**
 * How one type of a question is asked: DO only when DNSSEC records are
 * wanted (`+dnssec` or a DNSSEC type), since without them a validating
 * resolver still reports AD and the answer stays small; the other dig
 * options as written.
 */
export function queryOptions(question: DnsQuestionRequest, type: number): QueryOptions {
  const { checkingDisabled, tcp, nsid, family } = question.dig;
  return { dnssecRecords: wantsDnssecRecords(question, type), checkingDisabled, tcp, nsid, family };
}

/** `+dnssec`, or a question for a DNSSEC type: then RRSIGs and their kin are asked for and shown. */
export function wantsDnssecRecords(question: DnsQuestionRequest, type: number): boolean {
  return Boolean(question.dig.dnssec) || dnssecTypes.has(type);
}

/** Asks one type of a question once; a lookup that fails is an outcome too. */
export async function askOnce(resolver: Resolver, question: DnsQuestionRequest, type: number, signal: AbortSignal | undefined): Promise<TypeOutcome> {
  try {
    return { type, response: await resolver.resolve({ name: question.name.ascii, type, options: queryOptions(question, type) }, signal) };
  } catch (error) {
    if (isLookupFailure(error)) return { type, error };
    throw error;
  }
}

/**
 * Asks one type of a question. A SERVFAIL is asked once more with CD unless
 * CD was set already: if data comes back then, the data exists and it is
 * DNSSEC validation that failed, which the asker deserves to know.
 */
export async function askType(resolver: Resolver, question: DnsQuestionRequest, type: number, signal: AbortSignal | undefined): Promise<TypeOutcome> {
  const outcome = await askOnce(resolver, question, type, signal);
  if (!('response' in outcome) || outcome.response.rcode !== RCODE_SERVFAIL || question.dig.checkingDisabled) return outcome;
  const retry = await askOnce(resolver, { ...question, dig: { ...question.dig, checkingDisabled: true } }, type, signal);
  return 'response' in retry ? { ...outcome, unvalidated: retry.response } : outcome;
}

function isLookupFailure(error: unknown): error is DnsTimeoutError | DnsNetworkError | NoUpstreamOfFamilyError {
  return error instanceof DnsTimeoutError || error instanceof DnsNetworkError || error instanceof NoUpstreamOfFamilyError;
}
