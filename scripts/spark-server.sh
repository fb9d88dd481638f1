#!/usr/bin/env bash
# A local Spark Connect server for the tests, the benchmark and the demo.
#   scripts/spark-server.sh install   protoc (to build the client), Java 17 and PySpark (which
#                                     ships the server), when missing
#   scripts/spark-server.sh start     start on $FAULTLINE_SPARK_PORT (default 15002), wait until it listens
#   scripts/spark-server.sh stop      stop it
#   scripts/spark-server.sh status    exit 0 when a server listens on the port
# Logs and pid files stay under target/spark/.
set -euo pipefail
cd "$(dirname "$0")/.."
PYSPARK_VERSION=4.3.0
PORT=${FAULTLINE_SPARK_PORT:-15002}
STATE=$PWD/target/spark
mkdir -p "$STATE"

spark_home() {
  python3 -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null
}

install() {
  local apt=()
  command -v protoc > /dev/null || apt+=(protobuf-compiler)
  if ! command -v java > /dev/null || ! java -version 2>&1 | grep -q '"17\|"21'; then
    apt+=(openjdk-17-jre-headless)
  fi
  if [ ${#apt[@]} -gt 0 ]; then
    # protoc builds the Spark Connect client's protocol; Java runs the server.
    echo "installing ${apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${apt[@]}" > /dev/null
  fi
  if [ -z "$(spark_home)" ]; then
    echo "installing PySpark $PYSPARK_VERSION (the Spark Connect server)" >&2
    python3 -m pip install --quiet "pyspark==$PYSPARK_VERSION" 2> "$STATE/pip.log" ||
      python3 -m pip install --quiet --break-system-packages "pyspark==$PYSPARK_VERSION"
  fi
}

listening() {
  (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null
}

start() {
  install
  if listening; then
    echo "a server already listens on port $PORT" >&2
    return 0
  fi
  local home
  home=$(spark_home)
  echo "starting Spark Connect on sc://localhost:$PORT (local[2])" >&2
  SPARK_HOME=$home SPARK_LOG_DIR=$STATE SPARK_PID_DIR=$STATE \
    "$home/sbin/start-connect-server.sh" --master 'local[2]' \
    --conf "spark.connect.grpc.binding.port=$PORT" \
    --conf "spark.sql.warehouse.dir=$STATE/warehouse" \
    --conf "spark.connect.execute.reattachable.senderMaxStreamDuration=1h" \
    --conf "spark.driver.memory=4g" \
    --driver-java-options "-Dderby.system.home=$STATE" > "$STATE/start.log" 2>&1
  for _ in $(seq 1 240); do
    if listening; then echo "Spark Connect is up" >&2; return 0; fi
    sleep 0.5
  done
  echo "Spark Connect did not start within 120 s; its log:" >&2
  tail -50 "$STATE"/*.out >&2 || true
  return 1
}

stop() {
  local home
  home=$(spark_home) || true
  if [ -n "$home" ]; then
    SPARK_HOME=$home SPARK_LOG_DIR=$STATE SPARK_PID_DIR=$STATE \
      "$home/sbin/stop-connect-server.sh" > /dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) listening ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
