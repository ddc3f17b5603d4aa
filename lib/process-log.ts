/** One line per event on stdout, prefixed with the time and who speaks; pm2 keeps these in its logs. */
export function processLog(who: string): (message: string) => void {
  return (message) => process.stdout.write(`${new Date().toISOString()} ${who}: ${message}\n`);
}
