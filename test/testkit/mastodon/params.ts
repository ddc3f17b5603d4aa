/**
 * Request parameters the way Rails hands them to Mastodon's controllers:
 * query string and body (JSON, urlencoded or multipart) merged, `key[]`
 * collected into arrays, and strong parameters that drop an array where a
 * scalar is permitted and a scalar where an array is.
 */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };
export type Params = Record<string, ParamValue>;

/** Rack's nested query parsing, limited to `key` and `key[]`; other nestings become objects nobody permits. */
export function railsParams(entries: Iterable<[string, string]>): Params {
  const params: Params = {};
  for (const [key, value] of entries) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const list = params[name];
      params[name] = Array.isArray(list) ? [...list, value] : [value];
    } else if (/\[.*\]$/.test(key)) {
      params[key.slice(0, key.indexOf('['))] = {};
    } else {
      params[key] = value;
    }
  }
  return params;
}

export async function parseBody(contentType: string | undefined, body: Buffer): Promise<Params> {
  if (body.length === 0) return {};
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Params) : {};
  }
  if (type === 'application/x-www-form-urlencoded') return railsParams(new URLSearchParams(body.toString('utf8')));
  if (type === 'multipart/form-data') {
    const form = await new Response(body, { headers: { 'content-type': contentType ?? '' } }).formData();
    const fields: Array<[string, string]> = [];
    form.forEach((value, key) => {
      if (typeof value === 'string') fields.push([key, value]);
    });
    return railsParams(fields);
  }
  return {};
}

/** A permitted scalar parameter, as the string Rails would see. */
export function stringParam(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === null || value === undefined || typeof value === 'object') return undefined;
  return String(value);
}

/** A permitted array parameter (`key: []`); a lone scalar is not permitted. */
export function arrayParam(params: Params, key: string): string[] {
  const value = params[key];
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string' || typeof item === 'number').map(String) : [];
}

const FALSE_VALUES = new Set(['0', 'f', 'F', 'false', 'FALSE', 'off', 'OFF']);

/** ActiveModel::Type::Boolean: blank is nil, a short list is false, anything else is true. */
export function booleanParam(params: Params, key: string): boolean | undefined {
  const value = params[key];
  if (typeof value === 'boolean') return value;
  const text = stringParam(params, key);
  if (text === undefined || text === '') return undefined;
  return !FALSE_VALUES.has(text);
}
