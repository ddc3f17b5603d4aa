/** The servers a trace asks, and how one is asked: what the trace's errors, root hints and transport share. */
import type { DnsQuestion, DnsResponse } from '../resolver.ts';

/** A server the trace asks: its name in the NS set that led to it (none for a root hint) and the address asked. */
export interface NameServer {
  readonly name?: string;
  readonly address: string;
  readonly port: number;
}

/** Sends one query to one server (UDP, TCP on truncation); tests put their own servers or fakes here. */
export type ServerQuery = (server: NameServer, question: DnsQuestion, signal: AbortSignal) => Promise<DnsResponse>;
