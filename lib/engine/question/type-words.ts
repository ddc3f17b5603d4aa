import { RecordType, isQueryableType, recordTypeCode } from '../../dns/record-types.ts';
import type { QuestionProblem } from './problem-texts.ts';

const ZONE_TRANSFERS = new Set([RecordType.AXFR, RecordType.IXFR]);

/** The record types a word asks (`MX`, `type65`; `addr` is A and AAAA); undefined when it asks none the bot can ask. */
export function typeCodes(word: string): number[] | undefined {
  if (/^addr$/i.test(word)) return [RecordType.A, RecordType.AAAA];
  const code = recordTypeCode(word);
  return code !== undefined && isQueryableType(code) ? [code] : undefined;
}

/** Why a word that names a record type cannot be asked (a zone transfer, a meta type); undefined for any other word. */
export function typeProblem(word: string): QuestionProblem | undefined {
  const code = recordTypeCode(word);
  if (code !== undefined && ZONE_TRANSFERS.has(code)) return { kind: 'zone-transfer' };
  if (/^TYPE\d+$/i.test(word)) return { kind: 'type-number', written: word };
  return undefined;
}
