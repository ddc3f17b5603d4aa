/**
 * VRPs as rpki-client (`-j`, its output-json.c) and Routinator
 * (`--format json` or `jsonext`) write them:
 *
 *   {"metadata": {"buildtime": "2026-11-30T12:00:00Z", …},                         rpki-client
 *    "roas": [{"asn": 13335, "prefix": "1.1.1.0/24", "maxLength": 24, "ta": "apnic", "expires": …}, …],
 *    "bgpsec_keys": […], "aspas": […], …}
 *   {"metadata": {"generated": 1796040000, "generatedTime": "2026-11-30T12:00:00Z"},  Routinator
 *    "roas": [{"asn": "AS13335", "prefix": "1.1.1.0/24", "maxLength": 24, "ta": "apnic"}, …]}
 *
 * Only `roas` and the time in `metadata` are read; other members, and other
 * fields of a ROA (jsonext's `source`), are skipped. A missing maxLength is
 * the prefix's length.
 */

import { parseAsText } from '../formats/asn-text.ts';
import { DataFormatError } from '../../datafile/errors.ts';
import type { StreamParser } from '../../datafile/stream-parser.ts';
import { JsonStream, type JsonScalar, type JsonVisitor } from './json-stream.ts';
import type { VrpSetBuilder } from './vrp-set-builder.ts';

/** Where things are: the root object, its members, the ROAs in `roas`. */
const ROOT = 1;
const MEMBER = 2;
const ROA = 3;

export class VrpJsonParser implements StreamParser, JsonVisitor {
  dataTime: Date | undefined;
  private readonly json = new JsonStream(this);
  private depth = 0;
  /** The root member being read (`roas`, `metadata`, …). */
  private member = '';
  /** The key of the member being read inside a root member: a ROA's field, a metadata item. */
  private field = '';
  private inRoas = false;
  private sawRoas = false;
  private roaCount = 0;
  private asn: JsonScalar | undefined;
  private prefix: JsonScalar | undefined;
  private maxLength: JsonScalar | undefined;
  private trustAnchor: JsonScalar | undefined;

  constructor(private readonly builder: VrpSetBuilder) {}

  push(chunk: Buffer): void {
    this.json.push(chunk);
  }

  end(): void {
    this.json.end();
    if (!this.sawRoas) throw new DataFormatError('no “roas” array in the JSON: not a VRP file');
  }

  openObject(): void {
    this.depth++;
    if (this.depth === MEMBER && this.member === 'roas') throw new DataFormatError('“roas” is not an array');
    if (this.depth === ROA && this.inRoas) {
      this.asn = this.prefix = this.maxLength = this.trustAnchor = undefined;
    }
  }

  openArray(): void {
    this.depth++;
    if (this.depth === ROOT) throw new DataFormatError('the JSON is an array, not an object with “roas”: not a VRP file');
    if (this.depth === MEMBER && this.member === 'roas') this.inRoas = this.sawRoas = true;
  }

  close(): void {
    if (this.depth === ROA && this.inRoas) this.addRoa();
    if (this.depth === MEMBER) this.inRoas = false;
    this.depth--;
  }

  key(name: string): void {
    if (this.depth === ROOT) this.member = name;
    else this.field = name;
  }

  scalar(value: JsonScalar): void {
    if (this.depth === ROA && this.inRoas) {
      if (this.field === 'asn') this.asn = value;
      else if (this.field === 'prefix') this.prefix = value;
      else if (this.field === 'maxLength') this.maxLength = value;
      else if (this.field === 'ta') this.trustAnchor = value;
    } else if (this.depth === MEMBER && this.inRoas) {
      throw new DataFormatError(`roas[${this.roaCount}] is not an object`);
    } else if (this.depth === MEMBER && this.member === 'metadata' && (this.field === 'buildtime' || this.field === 'generatedTime')) {
      const time = typeof value === 'string' ? new Date(value) : undefined;
      if (time && !Number.isNaN(time.getTime())) this.dataTime = time;
    }
  }

  private addRoa(): void {
    const index = this.roaCount++;
    try {
      const asn = typeof this.asn === 'number' ? this.asn : typeof this.asn === 'string' ? parseAsText(this.asn) : -1;
      if (asn < 0) throw new DataFormatError(`not an AS number: ${JSON.stringify(this.asn ?? null).slice(0, 40)}`);
      if (typeof this.prefix !== 'string') throw new DataFormatError('no prefix');
      const maxLength = typeof this.maxLength === 'string' && /^\d{1,3}$/.test(this.maxLength) ? Number(this.maxLength) : this.maxLength;
      if (maxLength !== undefined && typeof maxLength !== 'number') throw new DataFormatError(`not a maxLength: ${JSON.stringify(maxLength).slice(0, 40)}`);
      this.builder.add(this.prefix, maxLength, asn, typeof this.trustAnchor === 'string' ? this.trustAnchor : undefined);
    } catch (error) {
      if (error instanceof DataFormatError) throw new DataFormatError(`roas[${index}]: ${error.message}`);
      throw error;
    }
  }
}
