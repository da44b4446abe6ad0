#!/bin/bash
# kafka-server-stop.sh of kafkaplane's test Kafka image: SIGTERM to the kafka.Kafka JVMs (procps' pgrep).
SIGNAL=${SIGNAL:-TERM}
PIDS=$(pgrep -f 'java.*kafka\.Kafka ' || true)
if [ -z "$PIDS" ]; then
  echo "No kafka server to stop"
  exit 1
fi
kill -s "$SIGNAL" $PIDS
