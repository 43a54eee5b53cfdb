# Helpers shared by bench/run.sh and bench/baseline/run.sh (sourced, not run).

# An Npgsql connection string ("Host=..;Port=..;Username=..;Database=..") as a libpq conninfo
# for psql and pgbench. Keys libpq has no use for (pooling, timeouts) are dropped.
conninfo_of() {
  local out="" pair key value
  IFS=';' read -ra pairs <<<"$1"
  for pair in "${pairs[@]}"; do
    [ -n "$pair" ] || continue
    key="$(echo "${pair%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')"
    value="${pair#*=}"
    case "$key" in
      host|server) out+="host=$value " ;;
      port) out+="port=$value " ;;
      username|userid|user) out+="user=$value " ;;
      password) out+="password=$value " ;;
      database|db) out+="dbname=$value " ;;
    esac
  done
  echo "${out% }"
}

# The same server, another database.
with_database() {
  local cs="$1" db="$2"
  if echo "$cs" | grep -qiE '(^|;) *database *='; then
    echo "$cs" | sed -E "s/(^|;)( *[Dd][Aa][Tt][Aa][Bb][Aa][Ss][Ee] *)=[^;]*/\1Database=$db/"
  else
    echo "${cs%;};Database=$db"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || shuf -i 20000-60000 -n 1
}

# Benchmarks on a shared machine mislead quietly: say how busy it was.
machine_note() {
  echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
}

# 2712.3 -> 2,712 (the C locale has no thousands separator for printf).
thousands() {
  printf '%.0f' "$1" | sed -E ':a;s/^([0-9]+)([0-9]{3})/\1,\2/;ta'
}

# CPU seconds (user + system) a process has used so far.
cpu_seconds() {
  awk -v tck="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / tck }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# A process's resident memory in MiB (VmRSS now, or another /proc status field such as VmHWM, the peak).
rss_mib() {
  awk -v f="${2:-VmRSS}:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0
}
