#!/bin/bash
# zkServer.sh: the ZooKeeper 3.8 server, interface of upstream's bin/zkServer.sh
# (as in the official zookeeper:3.8 image) for a container:
#
#   zkServer.sh [--config DIR] start-foreground [CFGFILE]   run in the foreground (PID 1)
#   zkServer.sh [--config DIR] status [CFGFILE]             ask the local server `srvr`
#   zkServer.sh [--config DIR] print-cmd [CFGFILE]          print the java command line
#   zkServer.sh version
#
# Environment (as upstream): ZOOCFGDIR (default /etc/zookeeper; may be a
# read-only mount), ZOOCFG (default zoo.cfg), JVMFLAGS (server and client),
# SERVER_JVMFLAGS, ZK_SERVER_HEAP (MB, default 1000; used when no -Xmx is given),
# CLASSPATH (appended). Logs go to stdout at INFO (slf4j-simple; change the
# level with SERVER_JVMFLAGS=-Dorg.slf4j.simpleLogger.defaultLogLevel=debug).
# Nothing is written outside dataDir/dataLogDir and /tmp; it runs as any uid.
set -euo pipefail

if [[ ${1:-} == --config ]]; then
  [[ $# -ge 2 ]] || { echo "usage: $0 --config DIR COMMAND" >&2; exit 2; }
  ZOOCFGDIR=$2
  shift 2
fi
# shellcheck source=scripts/images/zookeeper/zk-env.sh
source /usr/local/lib/zookeeper/zk-env.sh

cmd=${1:-}
cfg=${2:-${ZOOCFGDIR}/${ZOOCFG}}

ZK_SERVER_HEAP=${ZK_SERVER_HEAP:-1000}
server_flags=${SERVER_JVMFLAGS:-}
if [[ " ${server_flags} ${JVMFLAGS:-} " != *" -Xmx"* ]]; then
  server_flags="-Xmx${ZK_SERVER_HEAP}m ${server_flags}"
fi

# shellcheck disable=SC2206 # JVMFLAGS/SERVER_JVMFLAGS are word-split on purpose, as upstream
java_cmd=("${JAVA}" -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Dzookeeper.log.dir=/tmp
  -cp "${ZK_CLASSPATH}" ${server_flags} ${JVMFLAGS:-}
  org.apache.zookeeper.server.quorum.QuorumPeerMain "${cfg}")

# cfg_value KEY: last value of KEY in the config file (and its dynamic file).
cfg_value() {
  local files=("$cfg") dyn
  dyn=$(sed -n 's/^[[:space:]]*dynamicConfigFile[[:space:]]*=[[:space:]]*//p' "$cfg" | tail -n 1)
  [[ -n $dyn && -r $dyn ]] && files+=("$dyn")
  sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "${files[@]}" | tail -n 1 | tr -d '[:space:]'
}

case "$cmd" in
  start-foreground)
    [[ -r $cfg ]] || { echo "zkServer.sh: cannot read config ${cfg}" >&2; exit 1; }
    echo "ZooKeeper JMX disabled; using config: ${cfg}" >&2
    exec "${java_cmd[@]}"
    ;;
  print-cmd)
    printf '%q ' "${java_cmd[@]}"
    echo
    ;;
  status)
    # Like upstream: ask the client port for `srvr` (needs it in
    # 4lw.commands.whitelist) and print the Mode line.
    port=$(cfg_value clientPort)
    addr=$(cfg_value clientPortAddress)
    if [[ -z $port ]]; then
      # 3.5+ dynamic config: server.N=host:p1:p2[:role];[addr:]clientPort
      line=$(cfg_value 'server\.[0-9]*')
      if [[ $line == *";"* ]]; then port=${line##*[;:]}; fi
    fi
    [[ -n $port ]] || { echo "zkServer.sh: no clientPort in ${cfg}" >&2; exit 1; }
    [[ -n $addr && $addr != 0.0.0.0 ]] || addr=127.0.0.1
    echo "Client port found: ${port}. Client address: ${addr}." >&2
    out=$(printf 'srvr\n' | nc -w 3 -q 1 "$addr" "$port" 2>/dev/null || true)
    mode=$(sed -n 's/^Mode: //p' <<<"$out")
    if [[ -z $mode ]]; then
      echo "Error contacting service. It is probably not running." >&2
      exit 1
    fi
    echo "Mode: ${mode}"
    ;;
  version)
    exec "${JAVA}" -XX:-UsePerfData -cp "${ZK_CLASSPATH}" org.apache.zookeeper.version.VersionInfoMain
    ;;
  start | stop | restart)
    echo "zkServer.sh: '${cmd}' is not supported in this image (no daemon mode): use start-foreground" >&2
    exit 2
    ;;
  *)
    echo "Usage: $0 [--config <conf-dir>] {start-foreground|status|print-cmd|version} [cfgfile]" >&2
    exit 2
    ;;
esac
