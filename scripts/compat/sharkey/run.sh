#!/usr/bin/env bash
# fedidig against a real Sharkey (2023.12.0, a Misskey fork with a Mastodon API), built from its source, all of it
# inside a network namespace of its own that has nothing but loopback. See README.md beside this file.
#
#   run.sh [all|prepare|up|test|down|status]      (default: all = prepare, up, test, down)
#
# Every parameter is an environment variable; the defaults are below.
set -Eeuo pipefail

FEDIDIG_SRC=${FEDIDIG_SRC:-$(git rev-parse --show-toplevel 2>/dev/null || pwd)}  # the fedidig checkout to test (cloned, never modified)
FEDIDIG_REF=${FEDIDIG_REF:-HEAD}
FEDIDIG_DIR=${FEDIDIG_DIR:-/tmp/fedidig-sharkey}   # where the clone goes (replaced on every prepare)
WORK=${WORK:-/tmp/sharkey-compat}                  # tools, the Sharkey build (kept between runs), state, logs, results
SHARKEY_GIT=${SHARKEY_GIT:-https://github.com/transfem-org/Sharkey.git}  # a URL or a local (bare) git dir
SHARKEY_REF=${SHARKEY_REF:-da069c8b02d50c4eedd44d67039c44082f3c61df}     # 2023-12-09, 2023.12.0.beta1: the last commit with the source
PNPM_VERSION=${PNPM_VERSION:-8.10.5}               # Sharkey's packageManager
SHARP_VERSION=${SHARP_VERSION:-0.33.5}             # sharp 0.32 downloads libvips from GitHub; 0.33 has it as npm packages
API=${API:-mastodon}                               # which of Sharkey's APIs the bot speaks: mastodon, misskey or both
NETNS=${NETNS:-sharkey-compat}
POLL_INTERVAL_MS=${POLL_INTERVAL_MS:-2000}
BACKLOG=${BACKLOG:-45}                             # mentions asked while the bot is down, beyond one page (40); 0: skip
REPLY_TIMEOUT_MS=${REPLY_TIMEOUT_MS:-60000}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
TOOLS=$WORK/tools
PNPM="node $TOOLS/node_modules/pnpm/bin/pnpm.cjs"
export PATH="$TOOLS/node_modules/.bin:$PATH"     # Sharkey's scripts call `pnpm` themselves (migrate)
SHARKEY=$WORK/sharkey
BACKEND=$SHARKEY/packages/backend
RUN=$WORK/run
PIDS=$RUN/pids
RESULTS=$WORK/results
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
# Inside the namespace: fixed ports, nothing else listens there.
PG_PORT=5432; REDIS_PORT=6379; SHARKEY_PORT=3000; DNS_PORT=5353
HOST=sharkey.test

say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
prepare() {
  [ "$(id -u)" = 0 ] || die "run as root (apt, a network namespace, PostgreSQL as postgres)"
  [ -d "$FEDIDIG_SRC/.git" ] || [ -f "$FEDIDIG_SRC/.git" ] || die "FEDIDIG_SRC=$FEDIDIG_SRC is not a git checkout"
  mkdir -p "$WORK"

  say "Debian packages"
  local need=()
  for p in nsd nginx-light openssl curl iproute2 git ca-certificates python3 build-essential postgresql redis-server; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
  done
  if [ ${#need[@]} -gt 0 ]; then
    # Keep apt from starting the system's nsd, nginx, PostgreSQL and Redis where services start: this script starts its own.
    local policy=/usr/sbin/policy-rc.d made=""
    if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' > $policy; chmod +x $policy; made=1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    [ -z "$made" ] || rm -f $policy
  fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

  say "pnpm $PNPM_VERSION from the npm registry"
  mkdir -p "$TOOLS"
  [ -f "$TOOLS/package.json" ] || echo '{"name":"sharkey-compat-tools","private":true}' > "$TOOLS/package.json"
  [ -f "$TOOLS/node_modules/pnpm/package.json" ] && [ "$(node -p "require('$TOOLS/node_modules/pnpm/package.json').version")" = "$PNPM_VERSION" ] \
    || (cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION")

  sharkey_build

  say "fedidig from $FEDIDIG_SRC ($FEDIDIG_REF) into $FEDIDIG_DIR"
  rm -rf "$FEDIDIG_DIR"
  git clone -q "$FEDIDIG_SRC" "$FEDIDIG_DIR"
  git -C "$FEDIDIG_DIR" -c advice.detachedHead=false checkout -q "$(git -C "$FEDIDIG_SRC" rev-parse "$FEDIDIG_REF")"
  (cd "$FEDIDIG_DIR" && npm ci --no-audit --no-fund --loglevel=error)

  # Kept once made: a Sharkey that is up (nginx, the driver) goes on trusting the same CA after another prepare.
  if [ -f "$WORK/tls/server.pem" ] && openssl x509 -in "$WORK/tls/server.pem" -noout -checkend 86400 -ext subjectAltName 2>/dev/null | grep -q "DNS:$HOST"; then
    say "the test CA in $WORK/tls is kept"; return 0
  fi
  say "a test CA and a certificate for $HOST"
  mkdir -p "$WORK/tls"; (
    cd "$WORK/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=sharkey-compat test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=$HOST" 2>/dev/null
    printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$HOST" > ext.cnf
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 30 -extfile ext.cnf 2>/dev/null
  )
}

# The backend of Sharkey, kept between runs: rebuilt only when SHARKEY_REF or the adaptations below change.
sharkey_build() {
  local stamp; stamp="$SHARKEY_REF sharp@$SHARP_VERSION pnpm@$PNPM_VERSION $(declare -f sharkey_adapt | sha1sum | cut -c1-12)"
  if [ "$(cat "$SHARKEY/.compat-built" 2>/dev/null)" = "$stamp" ] && [ -f "$BACKEND/built/boot/entry.js" ]; then
    say "Sharkey $SHARKEY_REF: the build in $SHARKEY is kept (built for: $stamp)"; return 0
  fi
  say "Sharkey $SHARKEY_REF from $SHARKEY_GIT into $SHARKEY"
  if [ ! -d "$SHARKEY/.git" ]; then rm -rf "$SHARKEY"; git clone -q --no-checkout "$SHARKEY_GIT" "$SHARKEY"; fi
  git -C "$SHARKEY" cat-file -e "$SHARKEY_REF^{commit}" 2>/dev/null || git -C "$SHARKEY" fetch -q origin
  git -C "$SHARKEY" -c advice.detachedHead=false checkout -q -f "$SHARKEY_REF"
  git -C "$SHARKEY" clean -q -fd           # keeps what git ignores: node_modules and built/, reused by pnpm and swc
  sharkey_adapt
  local log=$WORK/pnpm-install.log
  say "pnpm install (the backend, misskey-js, megalodon; argon2 and re2 build with node-gyp): several minutes"
  (cd "$SHARKEY" && CYPRESS_INSTALL_BINARY=0 $PNPM install --no-frozen-lockfile > "$log" 2>&1) \
    || { tail -40 "$log"; die "Sharkey: pnpm install failed (log: $log). Stage: dependencies of the backend"; }
  say "building the backend (swc) with misskey-js and megalodon (tsc)"
  (cd "$SHARKEY" && $PNPM --filter 'backend...' build > "$WORK/pnpm-build.log" 2>&1) \
    || { tail -40 "$WORK/pnpm-build.log"; die "Sharkey: the backend does not build (log: $WORK/pnpm-build.log)"; }
  (cd "$SHARKEY" && node scripts/build-pre.js)        # built/meta.json: the version the server reports
  [ -f "$BACKEND/built/boot/entry.js" ] || die "Sharkey: the build left no packages/backend/built/boot/entry.js"
  echo "$stamp" > "$SHARKEY/.compat-built"
}

# What makes Sharkey 2023.12's source install from the npm registry alone. Each change is written to
# $WORK/sharkey-adaptations.txt for the report.
sharkey_adapt() {
  (cd "$SHARKEY" && NOTES="$WORK/sharkey-adaptations.txt" SHARP="$SHARP_VERSION" node --input-type=module -) <<'JS'
import fs from 'node:fs';
const notes = [];
const note = (s) => { notes.push(s); console.error(`  adapt: ${s}`); };
const edit = (file, f) => { const pk = JSON.parse(fs.readFileSync(file, 'utf8')); f(pk); fs.writeFileSync(file, `${JSON.stringify(pk, null, '\t')}\n`); };
fs.writeFileSync('pnpm-workspace.yaml', "packages:\n - 'packages/backend'\n - 'packages/misskey-js'\n - 'packages/megalodon'\n");
note('pnpm-workspace.yaml: only packages/backend, packages/misskey-js and packages/megalodon (the frontend and the service worker are not built: the harness uses the APIs)');
fs.rmSync('pnpm-lock.yaml', { force: true });
note('pnpm-lock.yaml removed: it pins tarballs from GitHub (codeload.github.com), which cannot be reached; resolved afresh from the registry');
edit('package.json', (pk) => {
  pk.workspaces = ['packages/backend'];
  pk.pnpm = { ...pk.pnpm, overrides: { ...pk.pnpm?.overrides, sharp: process.env.SHARP } };
});
note(`package.json: pnpm override sharp -> ${process.env.SHARP} (0.32.6 downloads libvips from GitHub at install; 0.33 ships it as @img/* npm packages)`);
edit('packages/backend/package.json', (pk) => {
  const swap = { summaly: 'npm:@misskey-dev/summaly@^5', 'sharp-read-bmp': 'npm:@misskey-dev/sharp-read-bmp@^1' };
  for (const [name, spec] of Object.entries(swap)) {
    note(`packages/backend: ${name} ${pk.dependencies[name]} -> ${spec} (the same project published on the registry)`);
    pk.dependencies[name] = spec;
  }
});
fs.writeFileSync(process.env.NOTES, `${notes.join('\n')}\nCYPRESS_INSTALL_BINARY=0 (the root's cypress would download its binary)\n`);
JS
}

# ---------------------------------------------------------------------------------------------
netns_up() {
  ip netns list | grep -qw "$NETNS" || ip netns add "$NETNS"
  ip netns exec "$NETNS" ip link set lo up
  # ip netns exec bind-mounts these over /etc/hosts and /etc/resolv.conf inside the namespace only.
  mkdir -p "/etc/netns/$NETNS"
  printf '127.0.0.1 localhost\n::1 localhost\n127.0.0.1 %s\n' "$HOST" > "/etc/netns/$NETNS/hosts"
  printf 'nameserver 127.0.0.1\n' > "/etc/netns/$NETNS/resolv.conf"   # nothing answers: no name leaves
}

up() {
  [ -f "$BACKEND/built/boot/entry.js" ] && [ -d "$FEDIDIG_DIR/node_modules" ] && [ -f "$WORK/tls/ca.pem" ] || die "run prepare first"
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/postgres" ] || die "no PostgreSQL under /usr/lib/postgresql: run prepare first"
  down quiet
  netns_up
  ip netns exec "$NETNS" bash "$SELF" __up
}

# Runs inside the namespace.
inside_up() {
  rm -rf "$RUN"; mkdir -p "$PIDS" "$RUN/logs"
  local L=$RUN/logs

  say "PostgreSQL ($("$PG_BIN/postgres" --version | cut -d' ' -f3)) on 127.0.0.1:$PG_PORT (as postgres)"
  mkdir -p "$RUN/pg"; chown postgres:postgres "$RUN/pg"; chmod 700 "$RUN/pg"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$RUN/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$L/initdb.log" 2>&1
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$RUN/pg/data" -l "$RUN/pg/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $RUN/pg" start > /dev/null
  head -1 "$RUN/pg/data/postmaster.pid" > "$PIDS/postgres.pid"
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c 'create database sharkey' postgres

  say "Redis ($(redis-server --version | grep -o 'v=[0-9.]*')) on 127.0.0.1:$REDIS_PORT, nothing saved to disk"
  mkdir -p "$RUN/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --dir "$RUN/redis" \
    --daemonize yes --pidfile "$RUN/redis/redis.pid" --logfile "$L/redis.log"
  for _ in $(seq 50); do [ -s "$RUN/redis/redis.pid" ] && break; sleep 0.1; done
  cp "$RUN/redis/redis.pid" "$PIDS/redis.pid"

  say "NSD on 127.0.0.1:$DNS_PORT with the test zones"
  mkdir -p "$RUN/nsd"
  write_zones "$RUN/nsd"
  nsd -c "$RUN/nsd/nsd.conf"
  for _ in $(seq 50); do [ -s "$RUN/nsd/nsd.pid" ] && break; sleep 0.1; done
  cp "$RUN/nsd/nsd.pid" "$PIDS/nsd.pid"

  say "nginx on 127.0.0.1:443: https://$HOST -> :$SHARKEY_PORT"
  mkdir -p "$RUN/nginx"
  write_nginx_conf "$RUN/nginx/nginx.conf"
  nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$L/nginx-error.log"
  for _ in $(seq 50); do [ -s "$RUN/nginx/nginx.pid" ] && break; sleep 0.1; done
  cp "$RUN/nginx/nginx.pid" "$PIDS/nginx.pid"

  say "Sharkey: configuration, migrations (a few minutes)"
  mkdir -p "$SHARKEY/.config"
  cat > "$SHARKEY/.config/default.yml" <<YML
# Written by scripts/compat/sharkey/run.sh (fedidig).
url: https://$HOST/
port: $SHARKEY_PORT
db:
  host: 127.0.0.1
  port: $PG_PORT
  db: sharkey
  user: postgres
  pass: postgres
dbReplications: false
redis:
  host: 127.0.0.1
  port: $REDIS_PORT
id: 'aidx'
YML
  (cd "$BACKEND" && $PNPM migrate > "$L/sharkey-migrate.log" 2>&1) \
    || { tail -20 "$L/sharkey-migrate.log"; die "Sharkey: the migrations failed (log: $L/sharkey-migrate.log)"; }

  say "Sharkey on 127.0.0.1:$SHARKEY_PORT (https://$HOST), one process (MK_DISABLE_CLUSTERING)"
  # Its Mastodon API calls its own Misskey API over HTTPS (megalodon, at https://$HOST): it must trust the test CA too.
  (cd "$BACKEND" && NODE_ENV=production MK_DISABLE_CLUSTERING=1 NODE_EXTRA_CA_CERTS="$WORK/tls/ca.pem" \
    exec setsid node built/boot/entry.js > "$L/sharkey.log" 2>&1 < /dev/null) &
  echo $! > "$PIDS/sharkey.pid"
  for _ in $(seq 600); do grep -q 'Now listening on port' "$L/sharkey.log" && break; kill -0 "$(cat "$PIDS/sharkey.pid")" 2>/dev/null || break; sleep 0.5; done
  grep -q 'Now listening on port' "$L/sharkey.log" || { tail -30 "$L/sharkey.log"; die "Sharkey did not start (log: $L/sharkey.log)"; }
  local C=(curl -sS --fail-with-body --cacert "$WORK/tls/ca.pem")
  "${C[@]}" "https://$HOST/nodeinfo/2.0" > "$RUN/nodeinfo.json" || die "https://$HOST/nodeinfo/2.0 does not answer"

  say "accounts: @admin (the first, root: admin/accounts/create without a token), then @dig (the bot) and @alice (the asker) made by @admin"
  local api="https://$HOST/api" admin
  admin=$("${C[@]}" -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$(openssl rand -hex 16)\"}" "$api/admin/accounts/create") \
    || die "admin/accounts/create for the first account failed: $admin"
  local atoken; atoken=$(node -e 'console.log(JSON.parse(process.argv[1]).token)' "$admin")
  local out='{"admin":'"$admin"
  for user in dig alice; do
    local made; made=$("${C[@]}" -H 'Content-Type: application/json' \
      -d "{\"i\":\"$atoken\",\"username\":\"$user\",\"password\":\"$(openssl rand -hex 16)\"}" "$api/admin/accounts/create") \
      || die "admin/accounts/create for $user failed: $made"
    out+=",\"$user\":$made"
  done
  echo "$out}" > "$RUN/accounts.json"; chmod 600 "$RUN/accounts.json"
  say "up: $(ls "$PIDS" | tr '\n' ' ')"
}

write_zones() {
  local d=$1
  cat > "$d/example.test.zone" <<'ZONE'
$ORIGIN example.test.
$TTL 300
@       IN SOA   ns1.example.test. hostmaster.example.test. 2026113001 3600 600 86400 300
@       IN NS    ns1.example.test.
ns1     IN A     192.0.2.53
@       IN A     192.0.2.10
@       IN AAAA  2001:db8::10
@       IN MX    10 mail.example.test.
@       IN MX    20 backup-mail.example.test.
@       IN TXT   "v=spf1 mx -all"
mail    IN A     192.0.2.25
mail    IN AAAA  2001:db8::25
www     IN CNAME example.test.
note    IN TXT   "contact @someone@example.social #tag for help"
md      IN TXT   "*not bold* _not italic_ \\# not-a-heading <b>x</b>"
mfm     IN TXT   "$[x2 big] **bold** :emoji: <plain>raw</plain> https://example.test/x search"
ZONE
  cat > "$d/2.0.192.in-addr.arpa.zone" <<'ZONE'
$ORIGIN 2.0.192.in-addr.arpa.
$TTL 300
@       IN SOA   ns1.example.test. hostmaster.example.test. 2026113001 3600 600 86400 300
@       IN NS    ns1.example.test.
10      IN PTR   example.test.
25      IN PTR   mail.example.test.
ZONE
  cat > "$d/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$DNS_PORT
  port: $DNS_PORT
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$d"
  pidfile: "$d/nsd.pid"
  xfrdfile: "$d/xfrd.state"
  zonelistfile: "$d/zone.list"
  database: ""
  logfile: "$RUN/logs/nsd.log"
  server-count: 1
remote-control:
  control-enable: no
zone:
  name: example.test
  zonefile: example.test.zone
zone:
  name: 2.0.192.in-addr.arpa
  zonefile: 2.0.192.in-addr.arpa.zone
CONF
  nsd-checkconf "$d/nsd.conf"
}

write_nginx_conf() {
  cat > "$1" <<CONF
worker_processes 1;
pid $RUN/nginx/nginx.pid;
error_log $RUN/logs/nginx-error.log;
events { worker_connections 256; }
http {
  access_log $RUN/logs/nginx-access.log;
  client_body_temp_path $RUN/nginx/body;
  proxy_temp_path $RUN/nginx/proxy;
  fastcgi_temp_path $RUN/nginx/fastcgi;
  uwsgi_temp_path $RUN/nginx/uwsgi;
  scgi_temp_path $RUN/nginx/scgi;
  ssl_certificate $WORK/tls/server.pem;
  ssl_certificate_key $WORK/tls/server.key;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:443 ssl;
    server_name $HOST;
    location / {
      proxy_pass http://127.0.0.1:$SHARKEY_PORT;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_read_timeout 300s;
    }
  }
}
CONF
}

# ---------------------------------------------------------------------------------------------
# One pass of the driver per API (API=mastodon|misskey|both); each pass has a results folder of its own.
test_() {
  [ -f "$PIDS/sharkey.pid" ] || die "nothing is up: run.sh up"
  local passes
  case $API in mastodon|misskey) passes=$API ;; both) passes="mastodon misskey" ;; *) die "API=$API: mastodon, misskey or both" ;; esac
  local stamp; stamp=$(date -u +%Y%m%dT%H%M%SZ)
  write_driver "$WORK/driver.mjs"
  local rc=0 pass
  for pass in $passes; do
    local out=$RESULTS/$stamp-$pass
    mkdir -p "$out"; ln -sfn "$out" "$RESULTS/latest-$pass"; ln -sfn "$out" "$RESULTS/latest"
    git -C "$FEDIDIG_DIR" checkout -q -- .     # the bot as it is
    rm -rf "$RUN/fedidig-state"                # each pass starts as a new bot would (the server keeps its notes)
    versions > "$out/versions.txt"
    cp "$WORK/sharkey-adaptations.txt" "$out/" 2>/dev/null || true
    say "pass '$pass': the bot through Sharkey's $pass API (driver: $WORK/driver.mjs, results: $out)"
    local prc=0
    ip netns exec "$NETNS" env WORK="$WORK" RUN="$RUN" OUT="$out" FEDIDIG_DIR="$FEDIDIG_DIR" BACKEND="$BACKEND" PASS="$pass" \
      HOST="$HOST" NODE_EXTRA_CA_CERTS="$WORK/tls/ca.pem" POLL_INTERVAL_MS="$POLL_INTERVAL_MS" BACKLOG="$BACKLOG" \
      REPLY_TIMEOUT_MS="$REPLY_TIMEOUT_MS" DNS_PORT="$DNS_PORT" node "$WORK/driver.mjs" || prc=$?
    cp "$RUN"/logs/* "$RUN/pg/postgres.log" "$out/" 2>/dev/null || true
    say "pass '$pass': results in $out (summary.txt, results.json, bot.log, driver.log); driver exit $prc"
    [ "$prc" = 0 ] || rc=$prc
  done
  for pass in $passes; do printf '%s: %s\n' "$pass" "$(tail -1 "$RESULTS/$stamp-$pass/summary.txt" 2>/dev/null || echo 'no summary')"; done > "$RESULTS/$stamp-passes.txt"
  ln -sfn "$RESULTS/$stamp-passes.txt" "$RESULTS/latest-passes.txt"
  cat "$RESULTS/$stamp-passes.txt"
  return $rc
}

versions() {
  echo "fedidig: $(git -C "$FEDIDIG_DIR" log -1 --format='%h %cd %s' --date=short)"
  echo "fedidig node (bot): $(node --version), npm $(npm --version)"
  echo "sharkey: $(git -C "$SHARKEY" log -1 --format='%H %cd' --date=short), package.json $(node -p "require('$SHARKEY/package.json').version")"
  echo "sharkey build: $(cat "$SHARKEY/.compat-built")"
  echo "sharkey nodeinfo: $(node -e 'const n=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(n.software.name, n.software.version)' "$RUN/nodeinfo.json" 2>/dev/null)"
  echo "pnpm: $PNPM_VERSION; sharp: $(node -p "require('$BACKEND/node_modules/sharp/package.json').version" 2>/dev/null); mfm-js: $(node -p "require('$BACKEND/node_modules/mfm-js/package.json').version" 2>/dev/null)"
  echo "postgresql: $("$PG_BIN/postgres" --version)"
  echo "redis: $(redis-server --version)"
  echo "nginx: $(nginx -v 2>&1)"
  echo "nsd: $(nsd -v 2>&1 | head -1)"
}

# ---------------------------------------------------------------------------------------------
down() {
  local quiet=${1:-}
  if [ -d "$PIDS" ]; then
    [ -n "$quiet" ] || say "stopping what run.sh started (by PID)"
    if [ -f "$PIDS/bot.pgid" ]; then
      local g; g=$(cat "$PIDS/bot.pgid")
      kill -INT -- "-$g" 2>/dev/null && for _ in $(seq 60); do kill -0 -- "-$g" 2>/dev/null || break; sleep 0.5; done
      kill -KILL -- "-$g" 2>/dev/null || true; rm -f "$PIDS/bot.pgid"
    fi
    for n in sharkey nginx nsd redis; do
      [ -f "$PIDS/$n.pid" ] || continue
      local p; p=$(cat "$PIDS/$n.pid")
      if kill -0 "$p" 2>/dev/null; then
        if [ "$n" = nginx ]; then kill -QUIT "$p"; else kill -TERM "$p"; fi
        for _ in $(seq 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
        kill -KILL "$p" 2>/dev/null || true
      fi
      rm -f "$PIDS/$n.pid"
    done
    if [ -f "$PIDS/postgres.pid" ]; then
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$RUN/pg/data" -m fast -w stop >/dev/null 2>&1 || kill -TERM "$(cat "$PIDS/postgres.pid")" 2>/dev/null || true
      rm -f "$PIDS/postgres.pid"
    fi
  fi
  if ip netns list 2>/dev/null | grep -qw "$NETNS"; then
    local left; left=$(ip netns pids "$NETNS" 2>/dev/null | tr '\n' ' ')
    [ -z "$left" ] || printf 'run.sh: still in the namespace (not started by this run, left alone): %s\n' "$left" >&2
    [ -n "$left" ] || ip netns del "$NETNS"
  fi
  [ -n "$(ip netns list 2>/dev/null | grep -w "$NETNS")" ] || rm -rf "/etc/netns/$NETNS"
}

status() {
  for f in "$PIDS"/*; do [ -f "$f" ] && printf '%s %s %s\n' "$(basename "$f")" "$(cat "$f")" "$(kill -0 "$(cat "$f")" 2>/dev/null && echo alive || echo gone)"; done
  ip netns list | grep -w "$NETNS" || echo "no namespace $NETNS"
  echo "build: $(cat "$SHARKEY/.compat-built" 2>/dev/null || echo none)"
}

write_driver() {
cat > "$1" <<'DRIVER'
// The test, run inside the namespace by run.sh: the bot's token, its .env, the bot, the questions, the checks.
// One pass speaks one of Sharkey's APIs (PASS=mastodon|misskey). The asker, @alice on the same server, asks and reads
// through Misskey's own API (notes/create, notes/children), and reads each reply once more through the Mastodon API.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const E = process.env;
const { RUN, OUT, FEDIDIG_DIR, BACKEND, PASS, HOST } = E;
const ORIGIN = `https://${HOST}`;
const POLL_INTERVAL_MS = Number(E.POLL_INTERVAL_MS ?? 2000);
const BACKLOG = Number(E.BACKLOG ?? 45);
const REPLY_TIMEOUT_MS = Number(E.REPLY_TIMEOUT_MS ?? 60000);
// Long enough for the worker's retries of a failing start-up request (p-retry: 1+2+4+8+16+32 s) to run out, after
// `npm start` has compiled the bot (tsc, on 2 busy cores: up to a minute).
const START_WAIT_MS = Number(E.START_WAIT_MS ?? 150000);
// Sharkey's own MFM parser: what a Misskey client makes of a reply's text.
const mfm = createRequire(`${BACKEND}/package.json`)('mfm-js');
const accounts = JSON.parse(fs.readFileSync(`${RUN}/accounts.json`, 'utf8'));
const DIG = { id: accounts.dig.id, username: 'dig', token: accounts.dig.token };
const ALICE = { id: accounts.alice.id, username: 'alice', token: accounts.alice.token };
// The question's visibility in Mastodon's words (what the bot's Mastodon mode sees) and in Misskey's (what is stored).
const MISSKEY_VISIBILITY = { public: 'public', unlisted: 'home', private: 'followers', direct: 'specified' };

const R = { pass: PASS, started: new Date().toISOString(), register: {}, phases: {}, checks: [], notes: [] };
const secrets = [accounts.admin.token, DIG.token, ALICE.token];
const redact = (s) => secrets.reduce((t, x) => (x ? t.split(x).join('[token]') : t), String(s));
function log(...parts) {
  const line = `[${new Date().toISOString()}] ${redact(parts.join(' '))}`;
  console.log(line);
  fs.appendFileSync(`${OUT}/driver.log`, `${line}\n`);
}
function check(name, ok, detail = '') {
  R.checks.push({ name, ok: Boolean(ok), detail: redact(detail) });
  log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return ok;
}
const save = () => fs.writeFileSync(`${OUT}/results.json`, redact(JSON.stringify(R, null, 2)));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---- HTTP -------------------------------------------------------------------------------------
async function request(method, path, { token, body, bearer } = {}) {
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(new URL(path, ORIGIN), { method, headers, body: body === undefined ? undefined : JSON.stringify(token ? { i: token, ...body } : body) });
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  if (!res.ok) throw Object.assign(new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`), { status: res.status });
  return json;
}
/** Misskey's API: POST /api/<endpoint> with the token as `i`. */
const mk = (endpoint, token, body = {}) => request('POST', `/api/${endpoint}`, { token, body });
/** Sharkey's Mastodon API, with a Misskey token as the bearer token. */
const masto = (token, path) => request('GET', path, { bearer: token });
const entities = (s) => s.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16))).replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
  .replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&');
const htmlText = (html) => entities(html.replace(/<br\s*\/?>\n?/gi, '\n').replace(/<\/p>\s*<p[^>]*>/gi, '\n\n').replace(/<[^>]+>/g, ''));

/** What a Misskey client shows for an MFM text: the text it reads, the mentions, and every node that is markup. */
function readMfm(text) {
  const markup = [];
  const mentions = [];
  const walk = (nodes) => nodes.map((n) => {
    switch (n.type) {
      case 'text': return n.props.text;
      case 'plain': return walk(n.children);
      case 'unicodeEmoji': return n.props.emoji;
      case 'mention': mentions.push(n.props.acct); return n.props.acct;
      default: markup.push(`${n.type}: ${mfm.toString(n).slice(0, 40)}`); return mfm.toString(n);
    }
  }).join('');
  return { text: walk(mfm.parse(text ?? '')), markup, mentions };
}

/**
 * The project's own `npm run register -- URL`, answered as a person at the keyboard would: open the page it prints,
 * allow, and paste the code (OAuth) or press Enter (MiAuth). The page is Sharkey's web client, which this build leaves
 * out; the driver makes the call the page's button makes, as @dig.
 */
async function registerWithProjectScript() {
  const env = { ...process.env, FEDIVERSE_API: PASS };
  const child = spawn('npm', ['run', 'register', '--', ORIGIN], { cwd: FEDIDIG_DIR, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const t0 = Date.now();
  let url;
  while (!(url = out.match(/https:\/\/\S+\/(?:oauth\/authorize|miauth\/)\S*/)?.[0])) {
    if (child.exitCode !== null || Date.now() - t0 > 90_000) throw Object.assign(new Error('register printed no page to open'), { out });
    await sleep(100);
  }
  while (!/Paste the authori[sz]ation code|Press Enter/.test(out)) {
    if (child.exitCode !== null || Date.now() - t0 > 90_000) throw Object.assign(new Error('register asked for nothing'), { out });
    await sleep(50);
  }
  const page = new URL(url);
  R.register.page = page.pathname.replace(/\/[^/]+$/, '/…');
  if (page.pathname.startsWith('/miauth/')) {
    // MiAuth: the consent page calls miauth/gen-token with the session and the permissions asked for in its query.
    const session = page.pathname.split('/')[2];
    await mk('miauth/gen-token', DIG.token, { session, name: page.searchParams.get('name'), permission: (page.searchParams.get('permission') ?? '').split(',').filter(Boolean) });
    child.stdin.write('\n');
  } else {
    // OAuth: Sharkey sends /oauth/authorize on to its Misskey auth session page, /auth/<session token>?mastodon=true&…
    // (the app's client_id is that page's URL, base64). Its Accept button calls auth/accept; the web client then goes to
    // redirect_uri?code=<session token>. With the out-of-band URI that is no page: the person copies the code from it.
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location') ?? '';
    const session = new URL(location, ORIGIN).pathname.match(/^\/auth\/([^/]+)$/)?.[1];
    R.register.authorizeRedirect = location.replace(session ?? '\0', '[session]');
    if (!session) { child.kill('SIGKILL'); throw Object.assign(new Error(`/oauth/authorize: HTTP ${res.status}, Location ${location}: no /auth/<session> page`), { out }); }
    await mk('auth/accept', DIG.token, { token: session });
    child.stdin.write(`${session}\n`);
  }
  const rc = await Promise.race([exited, sleep(90_000).then(() => 'timeout')]);
  if (rc === 'timeout') child.kill('SIGKILL');
  const token = out.match(/MASTODON_TOKEN=(\S+)/)?.[1];
  if (token) secrets.push(token);
  return { rc, out: redact(out), token };
}

// ---- the bot ------------------------------------------------------------------------------------
const botLog = `${OUT}/bot.log`;
const bot = {
  proc: undefined, exited: undefined, offset: 0,
  start() {
    this.offset = fs.existsSync(botLog) ? fs.statSync(botLog).size : 0;
    const fd = fs.openSync(botLog, 'a');
    // As an operator would: `npm start` in its own process group (a terminal), stopped with Ctrl-C (SIGINT to the group).
    this.proc = spawn('npm', ['start'], { cwd: FEDIDIG_DIR, env: process.env, detached: true, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    fs.writeFileSync(`${RUN}/pids/bot.pgid`, String(this.proc.pid));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve(code ?? signal)));
    log(`bot: npm start, process group ${this.proc.pid}`);
  },
  lines(fromOffset = this.offset) {
    return fs.readFileSync(botLog).subarray(fromOffset).toString('utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => { try { return JSON.parse(l); } catch { return undefined; } }).filter(Boolean);
  },
  async waitFor(pred, timeoutMs, fromOffset = this.offset) {
    const t0 = Date.now();
    for (;;) {
      const hit = this.lines(fromOffset).find(pred);
      if (hit) return hit;
      if (Date.now() - t0 > timeoutMs) return undefined;
      await sleep(50);
    }
  },
  workerPid() {
    const started = this.lines(0).filter((l) => /^worker \d+ started$/.test(l.msg ?? ''));
    return Number(started.at(-1)?.msg.match(/\d+/)[0]);
  },
  async stop() {
    const t0 = Date.now();
    process.kill(-this.proc.pid, 'SIGINT');
    const rc = await Promise.race([this.exited, sleep(40_000).then(() => 'timeout')]);
    if (rc === 'timeout') { try { process.kill(-this.proc.pid, 'SIGKILL'); } catch {} }
    fs.rmSync(`${RUN}/pids/bot.pgid`, { force: true });
    log(`bot: stopped with SIGINT to the group in ${Date.now() - t0} ms (npm exit ${rc})`);
    return rc;
  },
};

// ---- asking and checking ----------------------------------------------------------------------
const questions = [];

async function ask(label, visibility, text, expectRe = [], opts = {}) {
  const body = `@${DIG.username} ${text}`;
  const params = { text: body, visibility: MISSKEY_VISIBILITY[visibility] };
  if (visibility === 'direct') params.visibleUserIds = [DIG.id];
  const t0 = Date.now();
  const { createdNote: note } = await mk('notes/create', ALICE.token, params);
  const q = { label, visibility, misskeyVisibility: MISSKEY_VISIBILITY[visibility], text, body, id: note.id, createdAt: note.createdAt, postedAt: t0, phase: opts.phase, expectRe, checkRendering: true, ...opts };
  questions.push(q);
  log(`asked [${label}] ${visibility} (${note.visibility}): "${text}" -> ${note.id} (mentions ${JSON.stringify(note.mentions ?? [])})`);
  return q;
}

async function botReplies(q) {
  const children = await mk('notes/children', ALICE.token, { noteId: q.id, limit: 100, showQuotes: false });
  return children.filter((n) => n.userId === DIG.id && n.replyId === q.id);
}

async function waitReply(q, timeoutMs = REPLY_TIMEOUT_MS) {
  const t0 = Date.now();
  for (;;) {
    const replies = await botReplies(q).catch(() => []);
    if (replies.length) { q.seenAt = Date.now(); return replies[0]; }
    if (Date.now() - t0 > timeoutMs) return undefined;
    await sleep(250);
  }
}

async function judge(q, reply) {
  const tag = `[${q.label}]`;
  if (!check(`${tag} a reply arrived`, reply, reply ? reply.id : `none within ${REPLY_TIMEOUT_MS} ms`)) return;
  const read = readMfm(reply.text);
  q.reply = { id: reply.id, visibility: reply.visibility, replyId: reply.replyId, mentions: reply.mentions ?? [], visibleUserIds: reply.visibleUserIds, tags: reply.tags ?? [], text: reply.text, shown: read.text, markup: read.markup, createdAt: reply.createdAt };
  q.latency = { replyCreatedMinusQuestionCreatedMs: Date.parse(reply.createdAt) - Date.parse(q.createdAt), postToSeenMs: q.seenAt - q.postedAt };
  // As Misskey keeps it and a Misskey client shows it.
  check(`${tag} in the thread (replyId = the question)`, reply.replyId === q.id, `${reply.replyId} vs ${q.id}`);
  check(`${tag} same visibility as the question (${q.misskeyVisibility})`, reply.visibility === q.misskeyVisibility, `reply is ${reply.visibility}`);
  check(`${tag} mentions only the asker`, same(q.reply.mentions, [ALICE.id]) && same(read.mentions, [`@${ALICE.username}`]), `mentions: ${JSON.stringify(q.reply.mentions)} (alice is ${ALICE.id}); in the MFM: ${JSON.stringify(read.mentions)}`);
  if (q.visibility === 'direct') check(`${tag} visible to the asker alone`, same(reply.visibleUserIds, [ALICE.id]), `visibleUserIds: ${JSON.stringify(reply.visibleUserIds)}`);
  check(`${tag} no hashtags`, q.reply.tags.length === 0, `tags: ${JSON.stringify(q.reply.tags)}`);
  for (const re of q.expectRe ?? []) check(`${tag} the text as shown matches ${re}`, re.test(read.text), JSON.stringify(read.text.slice(0, 400)));
  check(`${tag} starts by addressing @${ALICE.username}`, /^@alice\b/.test(read.text.trim()), JSON.stringify(read.text.slice(0, 60)));
  if (q.checkRendering) check(`${tag} MFM: the data is read as text (no markup but the mention)`, read.markup.length === 0, `markup: ${JSON.stringify(read.markup)}; text: ${JSON.stringify(reply.text.slice(0, 200))}`);
  // As a Mastodon client sees it through Sharkey's Mastodon API (megalodon's conversion and Sharkey's MFM to HTML).
  let st;
  try { st = await masto(ALICE.token, `/api/v1/statuses/${reply.id}`); } catch (error) { check(`${tag} readable through the Mastodon API`, false, error.message); return; }
  q.reply.mastodon = { visibility: st.visibility, in_reply_to_id: st.in_reply_to_id, mentions: st.mentions.map((m) => m.acct), content: st.content };
  check(`${tag} Mastodon API: in the thread, ${q.visibility}, mentioning only @alice`, st.in_reply_to_id === q.id && st.visibility === q.visibility && same(q.reply.mastodon.mentions, [ALICE.username]),
    `in_reply_to_id ${st.in_reply_to_id}, visibility ${st.visibility}, mentions ${JSON.stringify(q.reply.mastodon.mentions)}`);
  if (q.checkRendering) checkHtml(q, read, st.content, 'Mastodon API');
  // As other servers get it: the ActivityPub object's HTML `content` (public notes are served to anyone).
  if (q.checkRendering && q.visibility === 'public') {
    const res = await fetch(new URL(`/notes/${reply.id}`, ORIGIN), { headers: { Accept: 'application/activity+json' } });
    const object = res.ok ? await res.json() : undefined;
    if (check(`${tag} ActivityPub: the note is served`, object?.content, `HTTP ${res.status}`)) checkHtml(q, read, object.content, 'ActivityPub content');
  }
}

/** The reply's HTML as Sharkey renders it from the MFM: the expected text, its lines as lines, and nothing else made of it. */
function checkHtml(q, read, content, where) {
  const text = htmlText(content);
  const links = [...content.matchAll(/<a\b[^>]*href="([^"]*)"[^>]*>/g)].filter((m) => !/\bmention\b|\/@alice\b/.test(m[0])).map((m) => m[1]);
  // Sharkey builds HTML from the MFM with p, span, br and a (the mention): any other element came from the data.
  const elements = [...new Set([...content.matchAll(/<\/?([a-z][a-z0-9-]*)/gi)].map((m) => m[1].toLowerCase()))].filter((t) => !['p', 'span', 'br', 'a'].includes(t));
  const lines = read.text.trim().split('\n').filter((l) => l.trim()).length;
  const shown = content.split(/<br\s*\/?>|<\/p>\s*<p[^>]*>/i).filter((seg) => seg.replace(/<[^>]+>/g, '').trim()).length;
  const failed = (q.expectRe ?? []).filter((re) => !re.test(text));
  check(`[${q.label}] ${where}: the same text, its ${lines} lines as lines, no links or elements added`, !failed.length && !links.length && !elements.length && (lines <= 1 || shown >= lines),
    `${failed.length ? `text does not match ${failed.join(', ')}` : 'text matches'}; links ${JSON.stringify(links)}; elements from the data ${JSON.stringify(elements)}; ${shown} HTML line(s); content: ${JSON.stringify(content.slice(0, 300))}`);
}

async function countExactlyOnce(list, label) {
  let ok = true;
  for (const q of list) {
    const replies = await botReplies(q);
    q.finalReplyCount = replies.length;
    if (replies.length !== 1) { ok = false; log(`  [${q.label}] has ${replies.length} bot replies: ${replies.map((s) => s.id).join(', ')}`); }
  }
  const counts = list.map((q) => q.finalReplyCount);
  check(`${label}: each answered exactly once`, ok, `replies per question: ${JSON.stringify(counts)}`);
  return counts;
}

/** The bot's notifications hold the questions (read without marking them read, so as to change nothing the bot sees). */
async function botSideHas(list, timeoutMs = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const ns = await mk('i/notifications', DIG.token, { limit: 100, markAsRead: false });
    const ids = new Set(ns.map((n) => n.note?.id ?? n.noteId));
    const missing = list.filter((q) => !ids.has(q.id));
    if (!missing.length) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${missing.length} questions never became notifications of the bot: ${missing.map((q) => q.label).join(', ')}`);
    await sleep(200);
  }
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN; };
const stats = (xs) => (xs.length ? { n: xs.length, min: Math.min(...xs), p50: pct(xs, 50), p90: pct(xs, 90), max: Math.max(...xs) } : { n: 0 });

// ---- the run --------------------------------------------------------------------------------------
async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  log(`driver on Node ${process.version}; pass: ${PASS} API; the bot polls every ${POLL_INTERVAL_MS} ms`);
  const accessLog = `${RUN}/logs/nginx-access.log`;
  const accessOffset = fs.existsSync(accessLog) ? fs.statSync(accessLog).size : 0;
  const nodeinfo = await request('GET', '/nodeinfo/2.0');
  R.instance = { software: nodeinfo.software, maxNoteTextLength: nodeinfo.metadata?.maxNoteTextLength };
  log(`instance: ${nodeinfo.software.name} ${nodeinfo.software.version}`);

  // 1. The bot's token.
  let botToken;
  {
    try {
      const r = await registerWithProjectScript();
      Object.assign(R.register, { method: 'npm run register', rc: r.rc, output: r.out, gotToken: Boolean(r.token) });
      fs.writeFileSync(`${OUT}/register.out`, r.out);
      check(`npm run register -- ${ORIGIN} prints a token`, r.rc === 0 && r.token, `exit ${r.rc}; last lines: ${r.out.trim().split('\n').slice(-3).join(' | ')}`);
      botToken = r.token;
    } catch (error) {
      Object.assign(R.register, { method: 'npm run register', error: error.message, output: redact(error.out ?? '') });
      check(`npm run register -- ${ORIGIN} prints a token`, false, error.message);
    }
    if (botToken) {
      const me = await (PASS === 'misskey' ? mk('i', botToken) : masto(botToken, '/api/v1/accounts/verify_credentials')).catch((e) => ({ error: e.message }));
      check(`the token from register is @dig's (${PASS === 'misskey' ? 'i' : 'verify_credentials'})`, me.username === DIG.username, JSON.stringify(me.error ?? me.username));
      if (me.username !== DIG.username) botToken = undefined;
    }
  }
  if (!botToken) {
    // As the issue did by hand: the account's own Misskey token (admin/accounts/create), which both APIs take.
    botToken = DIG.token;
    R.register.fallback = "@dig's Misskey token from admin/accounts/create";
  }
  await mk('i/update', DIG.token, { isBot: true });

  // 2. The bot's .env. FEDIVERSE_API picks the API where the bot knows it (older bots ignore the variable).
  fs.writeFileSync(`${FEDIDIG_DIR}/.env`, [
    `MASTODON_URL=${ORIGIN}`, `MASTODON_TOKEN=${botToken}`, `FEDIVERSE_API=${PASS}`,
    `DNS_UPSTREAM=127.0.0.1:${E.DNS_PORT}`, 'BGP_SOURCE=off', `STATE_DIR=${RUN}/fedidig-state`,
    'STREAMING=auto', `POLL_INTERVAL_MS=${POLL_INTERVAL_MS}`,
    // One asker asks ~65 questions within minutes here; the per-asker limit is not what this test is about.
    'RATE_LIMIT=1000/60s', 'GLOBAL_RATE_LIMIT=1000/60s', 'FLOOD_LIMIT=1000/60s', 'LOG_FORMAT=json', '',
  ].join('\n'));

  // 3. Start the bot as it is.
  bot.start();
  const signed = await bot.waitFor((l) => /^signed in as /.test(l.msg ?? ''), START_WAIT_MS);
  R.start = { signedIn: Boolean(signed), log: fs.readFileSync(botLog).subarray(bot.offset).toString('utf8').split('\n').filter((l) => l.trim()).slice(-25).map(redact) };
  check(`the bot as it is signs in against Sharkey through its ${PASS} API (within ${START_WAIT_MS / 1000} s)`, signed, signed ? signed.msg : `no "signed in" line; bot log: ${R.start.log.filter((l) => /exited|Error|error/.test(l)).slice(0, 4).join(' | ')}`);
  if (!signed) throw new Error('the bot does not sign in: nothing else can work');
  const chosen = bot.lines().find((l) => l.event === 'api-chosen');
  R.signedIn = { mode: signed.mode, software: signed.software, markup: signed.markup, maxCharacters: signed.maxCharacters, api: chosen ? `${chosen.api} (${chosen.reason})` : 'not logged (a bot without FEDIVERSE_API speaks Mastodon\'s)' };
  if (PASS === 'misskey') check('the bot chose Misskey\'s API (api-chosen)', chosen?.api === 'misskey', JSON.stringify(chosen ?? 'no api-chosen line'));
  log(`signed in: ${JSON.stringify(R.signedIn)}`);
  check('the bot knows the server: nodeinfo says sharkey, replies written in MFM', signed.software?.name === 'sharkey' && signed.markup === 'mfm', `software ${JSON.stringify(signed.software)}, markup ${signed.markup}, mode ${signed.mode}`);

  // 4. One question at a time: each visibility, each kind of answer.
  const cases = [
    ['public MX', 'public', 'example.test MX', [/🔎 example\.test MX/, /example\.test\. \d+ MX 10 mail\.example\.test\./, /MX 20 backup-mail\.example\.test\./]],
    ['unlisted reverse', 'unlisted', '192.0.2.10', [/192\.0\.2\.10 → 10\.2\.0\.192\.in-addr\.arpa PTR/, /10\.2\.0\.192\.in-addr\.arpa\. \d+ PTR example\.test\./]],
    ['private help', 'private', 'help', [/I look things up in the DNS/]],
    ['direct bad name', 'direct', 'exa mple..test', [/I could not read that/]],
    ['public TXT with @ and #', 'public', 'note.example.test TXT', [/"contact ＠someone@example\.social ♯tag for help"/]],
    ['direct NXDOMAIN', 'direct', 'nope.example.test', [/does not exist \(NXDOMAIN\)/]],
    ['unlisted AAAA', 'unlisted', 'mail.example.test AAAA', [/mail\.example\.test\. \d+ AAAA 2001:db8::25/]],
    // The data's < and > come back as ＜ ＞: Sharkey 2023.12 does not escape text in the HTML it makes of MFM, so the bot writes no angle bracket of the data.
    ['private TXT markdown-like', 'private', 'md.example.test TXT', [/"\*not bold\* _not italic_ \\\\# not-a-heading ＜b＞x＜\/b＞"/]],
    // MFM's own syntax in the data: a function, bold, an emoji code, <plain> itself, a URL.
    ['public TXT with MFM syntax', 'public', 'mfm.example.test TXT', [/"\$\[x2 big\] \*\*bold\*\* :emoji: ＜plain＞raw＜\/plain＞ https:\/\/example\.test\/x search"/]],
  ];
  R.phases.sequential = { started: new Date().toISOString() };
  for (const [label, visibility, text, expectRe] of cases) {
    const q = await ask(label, visibility, text, expectRe, { phase: 'sequential' });
    await judge(q, await waitReply(q));
    save();
  }
  await countExactlyOnce(questions.filter((q) => q.phase === 'sequential'), 'one at a time');

  // 5. Down: three questions while the bot is stopped, answered once after it starts again.
  await bot.stop();
  const down = [
    await ask('down 1 public', 'public', 'example.test A', [/example\.test\. \d+ A 192\.0\.2\.10/], { phase: 'down' }),
    await ask('down 2 unlisted', 'unlisted', 'www.example.test CNAME', [/www\.example\.test\. \d+ CNAME example\.test\./], { phase: 'down' }),
    await ask('down 3 direct', 'direct', 'example.test TXT', [/"v=spf1 mx -all"/], { phase: 'down' }),
  ];
  log(`the three are the bot's notifications (${await botSideHas(down)} ms after the last post); starting the bot`);
  const restartAt = Date.now();
  bot.start();
  for (const q of down) { await judge(q, await waitReply(q)); if (q.seenAt) q.latency.startToSeenMs = q.seenAt - restartAt; }
  await sleep(3 * POLL_INTERVAL_MS);
  await countExactlyOnce(down, 'asked while the bot was down');
  save();

  // 6. SIGKILL the worker mid-run: paused (SIGSTOP) while five questions arrive, so that it takes all five at once
  // (MAX_IN_FLIGHT 8), and killed the moment its log shows the first of them answered.
  const killOffset = fs.statSync(botLog).size;
  const pid = bot.workerPid();
  process.kill(pid, 'SIGSTOP');
  const killBatch = [];
  for (let i = 1; i <= 5; i++) killBatch.push(await ask(`kill ${i}`, ['public', 'unlisted', 'private', 'direct', 'public'][i - 1], ['example.test', 'example.test AAAA', 'mail.example.test', 'example.test MX', '192.0.2.25'][i - 1], [], { phase: 'kill', checkRendering: false }));
  await botSideHas(killBatch);
  process.kill(pid, 'SIGCONT');
  const firstAnswered = await bot.waitFor((l) => l.outcome === 'answered', 60_000, killOffset);
  process.kill(pid, 'SIGKILL');
  const killedAt = Date.now();
  const answeredBefore = bot.lines(killOffset).filter((l) => l.outcome === 'answered' && l.pid === pid).map((l) => l.question);
  log(`SIGKILL to worker ${pid} right after its first answer in the batch (answered per its log: ${JSON.stringify(answeredBefore)})`);
  R.phases.kill = { workerPid: pid, answeredBeforeKill: answeredBefore, firstAnsweredLine: firstAnswered?.msg };
  for (const q of killBatch) { await judge(q, await waitReply(q)); if (q.seenAt) q.latency.killToSeenMs = q.seenAt - killedAt; }
  R.phases.kill.postedBy = killBatch.map((q) => `${q.label}: ${q.reply ? (Date.parse(q.reply.createdAt) < killedAt ? 'the killed worker' : 'the new worker') : 'nobody'}`);
  await sleep(3 * POLL_INTERVAL_MS);
  await countExactlyOnce(killBatch, 'worker SIGKILLed mid-run');
  const killLines = bot.lines(killOffset);
  R.phases.kill.supervisorLines = killLines.filter((l) => l.name === 'supervisor' || /^worker \d+/.test(l.msg ?? '')).map((l) => l.msg);
  R.phases.kill.answeredAgainAfterRestart = killLines.filter((l) => l.outcome === 'answered' && l.pid !== pid).map((l) => l.question);
  log(`after the kill: ${JSON.stringify(R.phases.kill.supervisorLines)}; the new worker answered ${JSON.stringify(R.phases.kill.answeredAgainAfterRestart)}`);
  save();

  // 7. A backlog longer than one page (40) while the bot is down.
  if (BACKLOG > 0) {
    await bot.stop();
    const backlog = [];
    for (let i = 1; i <= BACKLOG; i++) backlog.push(await ask(`backlog ${String(i).padStart(2, '0')}`, 'unlisted', i % 2 ? 'example.test' : 'example.test AAAA', [], { phase: 'backlog', checkRendering: false }));
    await botSideHas(backlog, 120_000);
    const startAt = Date.now();
    bot.start();
    let last = -1;
    let stableSince = Date.now();
    const byId = new Map(backlog.map((q) => [q.id, q]));
    while (Date.now() - stableSince < Math.max(15_000, 6 * POLL_INTERVAL_MS) && Date.now() - startAt < 300_000) {
      // The bot's notes since the first of them, as the asker sees them: one request where a thread each would be 45.
      try {
        const notes = await mk('users/notes', ALICE.token, { userId: DIG.id, withReplies: true, sinceId: backlog[0].id, limit: 100 });
        for (const n of notes) { const q = byId.get(n.replyId); if (q && !q.seenAt) q.seenAt = Date.now(); }
      } catch (error) { log(`backlog: users/notes failed: ${error.message}`); }
      const answered = backlog.filter((q) => q.seenAt).length;
      if (answered !== last) { last = answered; stableSince = Date.now(); log(`backlog: ${answered}/${BACKLOG} answered`); }
      await sleep(1000);
    }
    const counts = await countExactlyOnce(backlog, `a backlog of ${BACKLOG} questions asked while the bot was down`);
    const unanswered = backlog.filter((q) => q.finalReplyCount === 0).map((q) => q.label);
    R.phases.backlog = { size: BACKLOG, answered: counts.filter((c) => c === 1).length, duplicates: counts.filter((c) => c > 1).length, unanswered, startToLastSeenMs: Math.max(...backlog.filter((q) => q.seenAt).map((q) => q.seenAt - startAt)) };
    log(`backlog: ${R.phases.backlog.answered} answered once, unanswered: ${unanswered.join(', ') || 'none'}`);
  }

  // 8. Everything once more, after a quiet while: no late duplicates anywhere; the bot's own notes agree.
  await sleep(Math.max(10_000, 4 * POLL_INTERVAL_MS));
  const all = await countExactlyOnce(questions, 'all questions, final sweep');
  const own = new Map();
  for (let untilId; ;) {
    const page = await mk('users/notes', DIG.token, { userId: DIG.id, withReplies: true, limit: 100, ...(untilId ? { untilId } : {}) });
    for (const n of page) own.set(n.id, n);
    if (page.length < 100) break;
    untilId = page.at(-1).id;
  }
  const asked = new Set(questions.map((q) => q.id));
  const mine = [...own.values()].filter((n) => asked.has(n.replyId));
  const perParent = new Map();
  for (const n of mine) perParent.set(n.replyId, (perParent.get(n.replyId) ?? 0) + 1);
  const twice = [...perParent.entries()].filter(([, n]) => n > 1);
  const seen = all.reduce((a, b) => a + b, 0);
  R.botSide = { notesForThisPass: mine.length, notesAllPasses: own.size, parentsWithTwoReplies: twice.length };
  check('on the server: one note of the bot per answered question, none answering the same one twice', mine.length === seen && twice.length === 0,
    `${mine.length} notes of @dig reply to this pass's questions, ${seen} replies seen by the asker, ${twice.length} questions with two`);
  const stopOffset = fs.statSync(botLog).size;
  const rc = await bot.stop();
  const tail = bot.lines(stopOffset).map((l) => l.msg);
  check('the bot stops cleanly on Ctrl-C (SIGINT to its process group)', tail.some((m) => /stopped$/.test(m ?? '')), `npm exit ${rc}; bot lines: ${tail.join(' | ')}`);

  // Which API the bot spoke, from nginx's access log: the bot's Mastodon mode posts with POST /api/v1/statuses and polls
  // GET /api/v1/notifications (the driver uses neither); the driver reads /api/v1/statuses/<id> only with GET.
  const access = fs.readFileSync(accessLog).subarray(accessOffset).toString('utf8');
  const count = (re) => access.split('\n').filter((l) => re.test(l)).length;
  R.apiUse = { 'POST /api/v1/statuses': count(/"POST \/api\/v1\/statuses /), 'GET /api/v1/notifications': count(/"GET \/api\/v1\/notifications/), 'POST /api/notes/create': count(/"POST \/api\/notes\/create /), 'GET /streaming': count(/"GET \/streaming/) };
  const answers = bot.lines(0).filter((l) => l.outcome === 'answered').length;
  if (PASS === 'mastodon') check('the bot spoke the Mastodon API (nginx access log)', R.apiUse['POST /api/v1/statuses'] > 0, JSON.stringify(R.apiUse));
  else check("the bot spoke Misskey's API, not the Mastodon API (nginx access log)", R.apiUse['POST /api/v1/statuses'] === 0 && R.apiUse['GET /api/v1/notifications'] === 0, `${JSON.stringify(R.apiUse)}; ${answers} answers logged`);
  const seq = questions.filter((q) => q.phase === 'sequential' && q.latency);
  R.latency = {
    sequential_replyCreatedMinusQuestionCreated: stats(seq.map((q) => q.latency.replyCreatedMinusQuestionCreatedMs)),
    sequential_postToSeenByAsker: stats(seq.map((q) => q.latency.postToSeenMs)),
    botLog_postMs_allAnswers: stats(bot.lines(0).filter((l) => l.outcome === 'answered').map((l) => Math.round(l.postMs))),
    down_restartToSeen: stats(questions.filter((q) => q.latency?.startToSeenMs !== undefined).map((q) => q.latency.startToSeenMs)),
    kill_killToSeen: stats(questions.filter((q) => q.latency?.killToSeenMs !== undefined).map((q) => q.latency.killToSeenMs)),
  };
  R.botLogWarnings = bot.lines(0).filter((l) => l.level >= 40).map((l) => l.msg);
  finish();
}

function finish() {
  R.questions = questions.map(({ expectRe, ...q }) => ({ ...q, expectRe: (expectRe ?? []).map(String) }));
  R.finished = new Date().toISOString();
  save();
  const passed = R.checks.filter((c) => c.ok).length;
  const failed = R.checks.length - passed;
  const lines = [];
  lines.push(`fedidig against Sharkey ${R.instance?.software?.version ?? '?'} through its ${PASS} API — ${R.started}`);
  lines.push(`register: ${R.register.method ?? '-'} -> ${R.register.gotToken ? 'token' : 'no token'}${R.register.fallback ? `; the bot used ${R.register.fallback}` : ''}`);
  lines.push(`signed in: ${JSON.stringify(R.signedIn ?? null)}`);
  if (R.error) lines.push(`driver stopped early: ${R.error.split('\n')[0]}`);
  for (const n of R.notes) lines.push(`note: ${n}`);
  lines.push('');
  lines.push('question                      vis        reply-vis   mentions  in-thread  q.created→reply.created  post→seen');
  for (const q of questions.filter((x) => x.phase !== 'backlog')) {
    lines.push(`${q.label.padEnd(29)} ${q.misskeyVisibility.padEnd(10)} ${(q.reply?.visibility ?? '-').padEnd(11)} ${String(q.reply?.mentions?.length ?? '-').padEnd(9)} ${String(q.reply ? q.reply.replyId === q.id : '-').padEnd(10)} ${String(q.latency?.replyCreatedMinusQuestionCreatedMs ?? '-').padStart(8)} ms ${String(q.latency?.postToSeenMs ?? '-').padStart(14)} ms   x${q.finalReplyCount ?? '?'}`);
  }
  if (R.phases.kill) lines.push(`kill: SIGKILL to worker ${R.phases.kill.workerPid} after it answered ${JSON.stringify(R.phases.kill.answeredBeforeKill)}; then ${JSON.stringify(R.phases.kill.supervisorLines)}; the new worker answered ${JSON.stringify(R.phases.kill.answeredAgainAfterRestart)}; posted by: ${JSON.stringify(R.phases.kill.postedBy)}`);
  if (R.phases.backlog) lines.push(`backlog of ${R.phases.backlog.size}: ${R.phases.backlog.answered} answered once, ${R.phases.backlog.duplicates} duplicated, unanswered: ${R.phases.backlog.unanswered.join(', ') || 'none'}; last seen ${R.phases.backlog.startToLastSeenMs} ms after the start`);
  if (R.apiUse) lines.push(`requests through nginx during the pass: ${JSON.stringify(R.apiUse)}`);
  if (R.botSide) lines.push(`on the server: ${R.botSide.notesForThisPass} notes of @dig answer this pass's questions (${R.botSide.notesAllPasses} in all), ${R.botSide.parentsWithTwoReplies} questions answered twice`);
  lines.push('');
  lines.push('latency (ms):');
  for (const [k, v] of Object.entries(R.latency ?? {})) lines.push(`  ${k.padEnd(48)} ${JSON.stringify(v)}`);
  lines.push('');
  for (const c of R.checks.filter((x) => !x.ok)) lines.push(`FAIL ${c.name} — ${c.detail}`);
  lines.push(`${passed} passed, ${failed} failed`);
  fs.writeFileSync(`${OUT}/summary.txt`, `${redact(lines.join('\n'))}\n`);
  console.log(redact(lines.join('\n')));
  return failed;
}

main().then(() => { process.exitCode = R.checks.every((c) => c.ok) ? 0 : 1; }, (error) => {
  log(`driver failed: ${error.stack ?? error}`);
  R.error = String(error.stack ?? error);
  check('the driver ran to the end', false, String(error.message ?? error));
  try { finish(); } catch {}
  try { if (bot.proc && bot.proc.exitCode === null) process.kill(-bot.proc.pid, 'SIGINT'); } catch {}
  process.exitCode = 2;
});
DRIVER
}

case "${1:-all}" in
  all)
    prepare
    tested=""
    # Whatever happens from here on (a failure, Ctrl-C), what was started is stopped.
    trap 'rc=$?; trap - EXIT; down; [ -z "$tested" ] || cat "$RESULTS"/latest/summary.txt "$RESULTS"/latest-passes.txt 2>/dev/null || true; exit $rc' EXIT
    up
    tested=1
    test_ ;;
  prepare) prepare ;;
  up) up ;;
  test) test_ ;;
  down) down ;;
  status) status ;;
  __up) trap 'echo "run.sh: up failed; run.sh down stops what started" >&2' ERR; inside_up ;;
  *) die "usage: run.sh [all|prepare|up|test|down|status]" ;;
esac
