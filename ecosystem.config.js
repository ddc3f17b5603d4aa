// pm2's process file: `pm2 start ecosystem.config.js`. The package is an ES module; pm2 loads this file
// with require(), which Node 20.19+ allows for ES modules, and reads the `apps` export.
export const apps = [
  {
    name: 'fedidig',
    cwd: import.meta.dirname,
    script: 'bot/supervisor.ts',
    interpreter: 'node',
    node_args: ['--import', 'tsx'],
    // The supervisor restarts its worker itself; pm2 restarts the supervisor if it ever dies.
    autorestart: true,
    min_uptime: 10_000,
    max_restarts: 20,
    // On `pm2 stop` the worker finishes the replies in flight before both exit; give it the time.
    kill_timeout: 30_000,
    env: { NODE_ENV: 'production' },
  },
];

export default { apps };
