# Sourced by .ci/run: a throwaway PostgreSQL cluster (Debian's package) on a
# Unix socket in a temporary directory, trusted for the role `jixiao`, and
# JIXIAO_TEST_POSTGRES pointing at it for the archive's PostgreSQL tests.
# JIXIAO_REQUIRE_POSTGRES=1 makes those tests fail rather than skip if the
# server cannot be reached.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pg_bin" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
pg_dir=$(mktemp -d)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root.
  chown postgres: "$pg_dir"
  as_pg=(runuser -u postgres --)
fi
# From / : the server's user may not enter the directory CI runs in.
(cd / && "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U jixiao >/dev/null)
(cd / && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-k $pg_dir -c listen_addresses='' -c fsync=off" start >/dev/null)
pg_stop() { (cd / && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null) || true; rm -rf "$pg_dir"; }
trap pg_stop EXIT
export JIXIAO_TEST_POSTGRES="postgresql://jixiao@${pg_dir//\//%2F}"
export JIXIAO_REQUIRE_POSTGRES=1
