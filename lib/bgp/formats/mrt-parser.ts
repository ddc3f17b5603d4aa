/**
 * MRT TABLE_DUMP_V2 RIB dumps (RFC 6396), as RIPE RIS (bview.*.gz) and
 * RouteViews (rib.*) publish them. Every record has a 12-byte header:
 *
 *   timestamp u32 | type u16 | subtype u16 | length u32 | body (length bytes)
 *
 * Type 13 (TABLE_DUMP_V2) subtypes read here:
 * - 1 PEER_INDEX_TABLE: collector id u32, view name (u16 length + bytes),
 *   peer count u16, then per peer: type u8 (bit 0: IPv6 address, bit 1:
 *   4-byte AS), BGP id u32, address (4 or 16), AS (2 or 4 bytes).
 * - 2 RIB_IPV4_UNICAST, 4 RIB_IPV6_UNICAST (and 8, 10: their ADD-PATH forms,
 *   RFC 8050, with a u32 path id per entry): sequence u32, prefix length u8,
 *   prefix (ceil(length / 8) bytes), entry count u16, then per entry: peer
 *   index u16, originated time u32, [path id u32], attribute length u16,
 *   BGP path attributes.
 * Other records (multicast, RIB_GENERIC, other MRT types) are skipped.
 *
 * Path attribute: flags u8, type u8, length u8, or u16 when flag 0x10
 * (extended length) is set. AS_PATH (type 2) is a list of segments: type u8
 * (1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET), count u8,
 * then count ASNs of 4 bytes: RFC 6396 §4.3.4 has TABLE_DUMP_V2 store AS_PATH
 * with 4-byte ASNs whatever the peer speaks. The origin is the last AS of the
 * last non-confederation segment, or all members when that is an AS_SET; an
 * empty AS_PATH means the peer originated the route, so the peer's AS. Each
 * entry's path (without confederation segments) and peer index go to the
 * builder too, for the route's paths, visibility and upstreams.
 */

import { bigEndianU32, ByteReader } from '../../net/byte-reader.ts';
import { DataFormatError } from '../../datafile/errors.ts';
import { AsPathWords, partitionOf } from '../table/as-path-tree.ts';
import { PathEntries } from '../table/route-paths.ts';
import type { RoutingTableBuilder } from '../table/routing-table-builder.ts';
import type { StreamParser } from '../../datafile/stream-parser.ts';

/** One of `count` partitions of a file's RIB entries, each read by its own thread. */
interface TablePartition {
  readonly index: number;
  readonly count: number;
}

const HEADER_LENGTH = 12;
const EMPTY = Buffer.alloc(0);
/** Larger than any real record (a RIB entry for every peer of a big collector); a guard against garbage lengths. */
const MAX_RECORD_LENGTH = 64 * 1024 * 1024;

const TABLE_DUMP_V2 = 13;
const PEER_INDEX_TABLE = 1;
const RIB_IPV4_UNICAST = 2;
const RIB_IPV6_UNICAST = 4;
const RIB_IPV4_UNICAST_ADDPATH = 8;
const RIB_IPV6_UNICAST_ADDPATH = 10;

const PEER_TYPE_IPV6 = 0x01;
const PEER_TYPE_AS4 = 0x02;
const ATTRIBUTE_EXTENDED_LENGTH = 0x10;
const ATTRIBUTE_AS_PATH = 2;
const AS_SET = 1;
const AS_SEQUENCE = 2;
const AS_CONFED_SET = 4;

export class MrtParser implements StreamParser {
  private pending: Buffer = EMPTY;
  /** Bytes of the input before `pending`, for error positions. */
  private consumed = 0;
  private peerAsns: Uint32Array | undefined;
  private dumpTime = -1;
  private readonly reader = new MrtRecordReader();
  private readonly prefixBytes = new Uint8Array(16);
  private readonly prefixWords = new Uint32Array(4);
  /** Origins of all entries of the record being read, reused. */
  private readonly origins: number[] = [];
  private readonly entries = new PathEntries();
  private readonly path = new AsPathWords();
  private readonly setMembers: number[] = [];
  /** RIB entries read so far, of every partition: the ordinal that orders the paths of several partitions as one. */
  private entriesRead = 0;

  /**
   * `partition`: read only the entries whose paths are this partition's
   * (partitionOf their last hop), as one of several threads reading the
   * same file; without it, all.
   */
  constructor(
    private readonly builder: RoutingTableBuilder,
    private readonly partition?: TablePartition,
  ) {}

  /**
   * Whether the entry of `peer` whose path ends in `lastHop` is this
   * partition's to read; when not, its peer is noted for the prefix's
   * visibility all the same.
   */
  private owns(lastHop: number, peer: number): boolean {
    if (this.partition === undefined) return true;
    const partition = partitionOf(lastHop, this.partition.count);
    if (partition === this.partition.index) return true;
    this.entries.addElsewhere(peer, partition);
    return false;
  }

  get dataTime(): Date | undefined {
    return this.dumpTime < 0 ? undefined : new Date(this.dumpTime * 1000);
  }

  push(chunk: Buffer): void {
    let from = 0;
    // The record cut at the last chunk's end is completed with the bytes it lacks, rather than the whole chunk copied behind it.
    while (this.pending.length > 0) {
      const wanted = this.pending.length < HEADER_LENGTH ? HEADER_LENGTH : HEADER_LENGTH + this.recordLength(this.pending, 0, this.consumed);
      const taken = Math.min(wanted - this.pending.length, chunk.length - from);
      if (taken > 0) this.pending = Buffer.concat([this.pending, chunk.subarray(from, from + taken)]);
      from += taken;
      if (this.pending.length < wanted) return;
      if (wanted === HEADER_LENGTH && this.recordLength(this.pending, 0, this.consumed) > 0) continue;
      this.record(this.pending, 0, wanted - HEADER_LENGTH, this.consumed);
      this.consumed += wanted;
      this.pending = EMPTY;
    }
    /** The input offset of `chunk[0]`. */
    const base = this.consumed - from;
    let offset = from;
    while (chunk.length - offset >= HEADER_LENGTH) {
      const length = this.recordLength(chunk, offset, base + offset);
      if (chunk.length - offset - HEADER_LENGTH < length) break;
      this.record(chunk, offset, length, base + offset);
      offset += HEADER_LENGTH + length;
    }
    this.consumed += offset - from;
    this.pending = chunk.subarray(offset);
  }

  /** The body length of the record at `data[offset]`, whose header is there; `at` is its input offset, for the error. */
  private recordLength(data: Buffer, offset: number, at: number): number {
    const length = data.readUInt32BE(offset + 8);
    if (length > MAX_RECORD_LENGTH) throw new DataFormatError(`MRT record length ${length} is not plausible`, { offset: at });
    return length;
  }

  end(): void {
    if (this.pending.length > 0) {
      throw new DataFormatError('the file ends inside an MRT record: truncated?', { offset: this.consumed });
    }
  }

  /** The record at `data[offset]`, with a body of `length` bytes; `at` is its input offset, for errors. */
  private record(data: Buffer, offset: number, length: number, at: number): void {
    if (data.readUInt16BE(offset + 4) !== TABLE_DUMP_V2) return;
    const subtype = data.readUInt16BE(offset + 6);
    this.reader.startRecord(data, offset + HEADER_LENGTH, offset + HEADER_LENGTH + length, at);
    if (subtype === PEER_INDEX_TABLE) {
      this.dumpTime = data.readUInt32BE(offset);
      this.peerIndexTable();
    } else if (subtype === RIB_IPV4_UNICAST || subtype === RIB_IPV4_UNICAST_ADDPATH) {
      this.rib(4, subtype === RIB_IPV4_UNICAST_ADDPATH);
    } else if (subtype === RIB_IPV6_UNICAST || subtype === RIB_IPV6_UNICAST_ADDPATH) {
      this.rib(6, subtype === RIB_IPV6_UNICAST_ADDPATH);
    }
  }

  private peerIndexTable(): void {
    const c = this.reader;
    c.skip(4); // collector BGP id
    c.skip(c.u16()); // view name
    const peers = new Uint32Array(c.u16());
    for (let i = 0; i < peers.length; i++) {
      const type = c.u8();
      c.skip(4 + (type & PEER_TYPE_IPV6 ? 16 : 4)); // BGP id, address
      peers[i] = type & PEER_TYPE_AS4 ? c.u32() : c.u16();
    }
    this.peerAsns = peers;
  }

  private rib(family: 4 | 6, addPath: boolean): void {
    const c = this.reader;
    const peerAsns = this.peerAsns;
    if (peerAsns === undefined) throw c.error('RIB record before the PEER_INDEX_TABLE');
    c.skip(4); // sequence number
    const length = c.u8();
    if (length > (family === 4 ? 32 : 128)) throw c.error(`IPv${family} prefix length ${length}`);
    const bytes = this.prefixBytes.fill(0);
    for (let i = 0; i < (length + 7) >> 3; i++) bytes[i] = c.u8();
    this.origins.length = 0;
    this.entries.clear();
    // Each entry: peer index u16, originated time u32, [path id u32], attribute length u16.
    const headerLength = addPath ? 12 : 8;
    const data = c.data;
    const recordEnd = c.end;
    const origins = this.origins;
    const pathEntries = this.entries;
    // The origin pushed last, kept in a local: reading the array's end for every entry cost a second of a full RIB.
    let lastOrigin = -1;
    let at = c.offset + 2;
    for (let entries = c.u16(); entries > 0; entries--, this.entriesRead++) {
      if (at + headerLength > recordEnd) throw c.error(PAST_THE_RECORD);
      const peer = (data[at]! << 8) | data[at + 1]!;
      if (peer >= peerAsns.length) throw c.error(`peer index ${peer} not in the PEER_INDEX_TABLE`);
      const attributesStart = at + headerLength;
      const attributesEnd = attributesStart + ((data[attributesStart - 2]! << 8) | data[attributesStart - 1]!);
      if (attributesEnd > recordEnd) throw c.error(PAST_THE_RECORD);
      at = attributesEnd;
      // Of two AS_PATH attributes, the last counts.
      let pathStart = -1;
      let pathEnd = -1;
      for (let a = attributesStart; a < attributesEnd; ) {
        if (a + 3 > attributesEnd) throw c.error(ATTRIBUTES_OVERRUN);
        const extended = data[a]! & ATTRIBUTE_EXTENDED_LENGTH;
        if (extended && a + 4 > attributesEnd) throw c.error(ATTRIBUTES_OVERRUN);
        const valueStart = a + (extended ? 4 : 3);
        const valueEnd = valueStart + (extended ? (data[a + 2]! << 8) | data[a + 3]! : data[a + 2]!);
        if (valueEnd > attributesEnd) throw c.error(ATTRIBUTES_OVERRUN);
        if (data[a + 1] === ATTRIBUTE_AS_PATH) {
          pathStart = valueStart;
          pathEnd = valueEnd;
        }
        a = valueEnd;
      }
      // Most AS_PATHs are one AS_SEQUENCE that the peer had lately to the same origin: recognised from the bytes as they are.
      const sequence = pathEnd - pathStart >= 6 && data[pathStart] === AS_SEQUENCE && pathStart + 2 + 4 * data[pathStart + 1]! === pathEnd;
      if (sequence) {
        const origin = bigEndianU32(data, pathEnd - 4);
        if (!this.owns(origin, peer)) continue;
        const id = this.builder.hintedAsSequence(data, pathStart + 2, pathEnd, peer);
        if (id >= 0) {
          if (origin !== lastOrigin) {
            origins.push(origin);
            lastOrigin = origin;
          }
          pathEntries.add(id, peer);
          continue;
        }
      }
      this.entry(data, pathStart, pathEnd, sequence, peer, peerAsns[peer]!);
    }
    c.offset = at;
    // A record all of whose entries other partitions read still counts for the visibility of its prefix, if that comes on.
    if (this.origins.length === 0 && this.entries.elsewhereCount === 0) return;
    const words = this.prefixWords;
    for (let k = 0; k < 4; k++) {
      words[k] = ((bytes[4 * k]! << 24) | (bytes[4 * k + 1]! << 16) | (bytes[4 * k + 2]! << 8) | bytes[4 * k + 3]!) >>> 0;
    }
    if (family === 4) this.builder.addIpv4(words[0]!, length, this.origins, this.entries);
    else this.builder.addIpv6(words, length, this.origins, 0, this.entries);
  }

  /** The RIB entry whose AS_PATH is `data[pathStart, pathEnd)` (none: -1), when its bytes did not say which path it is. */
  private entry(data: Buffer, pathStart: number, pathEnd: number, sequence: boolean, peer: number, peerAs: number): void {
    this.path.clear();
    if (pathStart >= 0) this.asPath(data, pathStart, pathEnd);
    // An empty or missing AS_PATH: the peer originated the route.
    if (this.path.length === 0) this.path.hop(peerAs);
    if (!sequence && !this.owns(this.path.originHop(), peer)) return;
    this.path.appendOrigins(this.origins);
    this.entries.add(this.builder.internAsPath(this.path, peer, sequence, this.entriesRead), peer);
  }

  /** Reads the AS_PATH value `data[start, end)` into `this.path`, leaving out confederation segments. */
  private asPath(data: Buffer, start: number, end: number): void {
    this.path.clear();
    for (let at = start; at < end; ) {
      if (at + 2 > end) throw this.reader.error(SEGMENTS_OVERRUN);
      const type = data[at]!;
      const count = data[at + 1]!;
      if (type < AS_SET || type > AS_CONFED_SET) throw this.reader.error(`AS_PATH segment type ${type}`);
      const asnsStart = at + 2;
      at = asnsStart + 4 * count;
      if (at > end) throw this.reader.error(SEGMENTS_OVERRUN);
      if (type === AS_SEQUENCE) for (let k = asnsStart; k < at; k += 4) this.path.hop(bigEndianU32(data, k));
      else if (type === AS_SET) {
        this.setMembers.length = 0;
        for (let k = asnsStart; k < at; k += 4) this.setMembers.push(bigEndianU32(data, k));
        this.path.set(this.setMembers);
      }
    }
  }
}

const PAST_THE_RECORD = 'field runs past the end of the record';
const ATTRIBUTES_OVERRUN = 'path attributes overrun their length';
const SEGMENTS_OVERRUN = 'AS_PATH segments do not fill the attribute: not 4-byte ASNs?';

/** Reads inside one record's body; a field that runs past it is a DataFormatError at the record's offset. */
class MrtRecordReader extends ByteReader {
  /** Input offset of the record, for errors. */
  private recordOffset = 0;

  startRecord(data: Buffer, start: number, end: number, recordOffset: number): void {
    this.reset(data, start, end);
    this.recordOffset = recordOffset;
  }

  error(message: string): DataFormatError {
    return new DataFormatError(`MRT record: ${message}`, { offset: this.recordOffset });
  }

  protected override overrun(): Error {
    return this.error(PAST_THE_RECORD);
  }
}
