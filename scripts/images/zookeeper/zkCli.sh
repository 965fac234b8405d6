#!/bin/bash
# zkCli.sh: the ZooKeeper 3.8 command-line client (org.apache.zookeeper.ZooKeeperMain),
# as upstream's bin/zkCli.sh:
#
#   zkCli.sh -server HOST:PORT [-timeout MS] [-r] [COMMAND ARGS...]
#
# e.g. `zkCli.sh -server zk-0.zk:2181 create /k v`, `zkCli.sh -server ... get /k`.
# With a COMMAND it runs it and exits; the command's output goes to stdout and the
# client's log (WARN and above) to stderr. Environment: JVMFLAGS, CLIENT_JVMFLAGS
# (e.g. -Dorg.slf4j.simpleLogger.defaultLogLevel=info), ZK_CLIENT_HEAP (MB, default
# 256), ZOOCFGDIR (put on the class path first, as upstream).
set -euo pipefail
# shellcheck source=scripts/images/zookeeper/zk-env.sh
source /usr/local/lib/zookeeper/zk-env.sh

ZK_CLIENT_HEAP=${ZK_CLIENT_HEAP:-256}
# shellcheck disable=SC2206 # word-split on purpose, as upstream
flags=(-Xmx${ZK_CLIENT_HEAP}m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
  -Dorg.slf4j.simpleLogger.logFile=System.err ${CLIENT_JVMFLAGS:-} ${JVMFLAGS:-})
exec "${JAVA}" -XX:-UsePerfData -Dzookeeper.log.dir=/tmp \
  -cp "${ZK_CLASSPATH}" "${flags[@]}" org.apache.zookeeper.ZooKeeperMain "$@"
