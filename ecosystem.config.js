// pm2's process file: `pm2 start ecosystem.config.js`. The package is an ES module; pm2 loads this file
// with require(), which Node 20.19+ allows for ES modules, and reads the `apps` export.
import { execFileSync } from 'node:child_process';

// pm2 runs the compiled bot (dist/, as `npm start` does) with plain node and cannot run an npm script
// first, so loading this file builds dist/ when it is missing or older than the sources, as
// `npm start` does; a failed build stops pm2 here, before it starts anything.
execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: import.meta.dirname, stdio: ['ignore', 'inherit', 'inherit'] });

export const apps = [
  {
    name: 'fedidig',
    cwd: import.meta.dirname,
    script: 'dist/bot/supervisor.js',
    interpreter: 'node',
    // The supervisor restarts its worker itself; pm2 restarts the supervisor if it ever dies.
    autorestart: true,
    // Exit code 2 is a setup error (a bad setting, an SQLite module this Node.js cannot load), said in one
    // line: a restart would fail the same way, so pm2 leaves the bot stopped, with that line in its error log.
    stop_exit_codes: [2],
    min_uptime: 10_000,
    max_restarts: 20,
    // On `pm2 stop` the worker finishes the replies in flight before both exit; give it the time.
    kill_timeout: 30_000,
    env: { NODE_ENV: 'production' },
  },
];

export default { apps };
