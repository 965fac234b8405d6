# shellcheck shell=bash
# Sourced by zkServer.sh and zkCli.sh (installed as /usr/local/lib/zookeeper/zk-env.sh).
# The class path is explicit: Debian's /usr/share/java holds several slf4j
# bindings (log4j12, jdk14, simple, ...); loading all of it picks one at random.
# These are the jars listed in zookeeper.jar's own Class-Path manifest (Debian
# 3.8.0: jline is not packaged, the client runs without line editing) plus one
# binding, slf4j-simple, configured by simplelogger.properties in ZK_LIB.

ZK_LIB=/usr/local/lib/zookeeper
ZOOCFGDIR=${ZOOCFGDIR:-/etc/zookeeper}
ZOOCFG=${ZOOCFG:-zoo.cfg}
JAVA=${JAVA:-/usr/bin/java}

ZK_CLASSPATH=${ZK_LIB}
for _jar in zookeeper zookeeper-jute slf4j-api slf4j-simple \
  commons-cli commons-io jackson-annotations jackson-core jackson-databind \
  jetty9-http jetty9-io jetty9-security jetty9-server jetty9-servlet jetty9-util servlet-api \
  metrics-core snappy-java \
  netty-buffer netty-codec netty-common netty-handler netty-resolver netty-transport \
  netty-transport-native-epoll netty-transport-native-unix-common; do
  ZK_CLASSPATH+=":/usr/share/java/${_jar}.jar"
done
unset _jar
# Anything extra (e.g. a metrics provider jar) goes after ours.
[[ -n ${CLASSPATH:-} ]] && ZK_CLASSPATH+=":${CLASSPATH}"

# The conf dir comes first, as in the upstream scripts (it may hold extra
# resources, e.g. a jaas.conf referenced from JVMFLAGS).
ZK_CLASSPATH="${ZOOCFGDIR}:${ZK_CLASSPATH}"
