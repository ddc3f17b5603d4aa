/** A time span as a person says it: `12 min`, `5 h 3 min`, `4 days`. */
export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

/** A moment to the minute, as replies show one: `2026-12-05 09:30 UTC`. */
export function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** When some data was made and how old it is now: `2026-12-05 09:30 UTC (12 min old)`. */
export function timeAndAge(date: Date): string {
  return `${utcMinute(date)} (${duration(Date.now() - date.getTime())} old)`;
}
