/**
 * A failure of the bot's setup, not of a moment: a bad setting, a data file
 * it names that does not load, a native module this Node.js cannot load. A
 * restart would fail the same way, so the process stops with the message,
 * one line that says what would work, and the supervisor and pm2 leave it
 * stopped.
 */
export class SetupError extends Error {}
