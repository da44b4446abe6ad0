import type { Distribution } from './distribution.ts';

/**
 * Kafka's published POMs carry no logging backend (we add log4j2 for 4.x, reload4j for 3.9). Each node logs to a
 * size-capped rolling file in its own directory; stdout keeps only what the JVM prints before logging starts.
 */
export function loggingConfig(logging: Distribution['logging'], logFile: string): { fileName: string; text: string; jvmFlag: string } {
  if (logging === 'log4j2') {
    const text = `Configuration:
  name: kafkaplane
  Appenders:
    RollingFile:
      name: file
      fileName: ${JSON.stringify(logFile)}
      filePattern: ${JSON.stringify(`${logFile}.%i`)}
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
      Policies:
        SizeBasedTriggeringPolicy:
          size: 10MB
      DefaultRolloverStrategy:
        max: 5
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: file
    Logger:
      - name: org.apache.kafka.common.config.AbstractConfig
        level: WARN
      - name: kafka.request.logger
        level: WARN
      - name: state.change.logger
        level: WARN
`;
    return { fileName: 'log4j2.yaml', text, jvmFlag: '-Dlog4j2.configurationFile=' };
  }
  const text = `log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${logFile.replaceAll('\\', '/')}
log4j.appender.file.MaxFileSize=10MB
log4j.appender.file.MaxBackupIndex=5
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.common.config.AbstractConfig=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
`;
  return { fileName: 'log4j.properties', text, jvmFlag: '-Dlog4j.configuration=file:' };
}

/** Logging for short-lived tools (StorageTool): warnings and errors to stderr only. */
export function toolLoggingConfig(logging: Distribution['logging']): { fileName: string; text: string; jvmFlag: string } {
  if (logging === 'log4j2') {
    return {
      fileName: 'log4j2-tools.yaml',
      text: `Configuration:
  Appenders:
    Console:
      name: stderr
      target: SYSTEM_ERR
      PatternLayout:
        pattern: "%p %m%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: stderr
`,
      jvmFlag: '-Dlog4j2.configurationFile=',
    };
  }
  return {
    fileName: 'log4j-tools.properties',
    text: `log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=%p %m%n
`,
    jvmFlag: '-Dlog4j.configuration=file:',
  };
}
