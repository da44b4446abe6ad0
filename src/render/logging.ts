import { CONFIG_DIR } from './entrypoint.ts';

/**
 * Kafka's logging inside a container. kafkaplane starts Kafka with kafka-server-start.sh, not with the image's own
 * launcher, so without this Kafka would use the distribution's config/log4j2.yaml (or log4j.properties): it writes
 * server.log, controller.log, state-change.log, … into /opt/kafka/logs next to stdout, and that emptyDir would grow
 * until the kubelet evicts the pod. In a container the log belongs on stdout only (the kubelet rotates it, log
 * shippers read it), so the ConfigMap carries a console-only configuration and KAFKA_LOG4J_OPTS points Kafka at it.
 *
 * Kafka 4.0 moved to log4j2 (KIP-653; YAML configuration, -Dlog4j2.configurationFile); 3.9 uses log4j 1 properties
 * (reload4j, -Dlog4j.configuration=file:) — the same split the local runtime makes (src/local/logging.ts).
 */
export interface LogConfig {
  /** Key in the ConfigMap, file name under CONFIG_DIR. */
  file: string;
  content: string;
  /** Value of KAFKA_LOG4J_OPTS, which kafka-server-start.sh and kafka-storage.sh pass to the JVM. */
  log4jOpts: string;
}

export function usesLog4j2(kafkaVersion: string): boolean {
  return Number(kafkaVersion.split('.')[0]) >= 4;
}

// One line per partition and leadership change would flood the pod log during every roll (Kafka's own config sends
// it to a separate file); the request log is Kafka's own default of WARN.
const LOG4J2 = `# Kafka logs to stdout only (kafkaplane, docs/render.md): the kubelet keeps and rotates container logs.
Configuration:
  name: kafkaplane
  Appenders:
    Console:
      name: stdout
      target: SYSTEM_OUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: stdout
    Logger:
      - name: kafka.request.logger
        level: WARN
      - name: state.change.logger
        level: WARN
`;

const LOG4J1 = `# Kafka logs to stdout only (kafkaplane, docs/render.md): the kubelet keeps and rotates container logs.
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.Target=System.out
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
`;

export function logConfig(kafkaVersion: string): LogConfig {
  if (usesLog4j2(kafkaVersion)) {
    return { file: 'log4j2.yaml', content: LOG4J2, log4jOpts: `-Dlog4j2.configurationFile=${CONFIG_DIR}/log4j2.yaml` };
  }
  return { file: 'log4j.properties', content: LOG4J1, log4jOpts: `-Dlog4j.configuration=file:${CONFIG_DIR}/log4j.properties` };
}

/**
 * kafka-server-start.sh defaults EXTRA_ARGS to "-name kafkaServer -loggc", and -loggc makes kafka-run-class.sh write
 * a GC log of up to 10 × 100 MB into /opt/kafka/logs — far more than a small emptyDir should hold. Without -loggc
 * there is no GC log file (as in Strimzi by default); add e.g. `-Xlog:gc:stdout:time,level,tags` to
 * spec.nodePools[].jvm.options for GC lines on stdout.
 */
export const KAFKA_SERVER_EXTRA_ARGS = '-name kafkaServer';

/** Kafka writes nothing there with the configuration above; the limit stops a stray file from filling the node's disk. */
export const LOGS_SIZE_LIMIT = '128Mi';
