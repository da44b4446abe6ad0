// Import boundaries of kafkaplane (docs: ../shared/docs/architecture.md, "The shape in one picture").
// Run by the test command (scripts/lint.ts); a violation fails the run.
const PURE = '^src/(api|model|render|ops|toolbox)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-core-no-io',
      comment: 'api/, model/, render/, ops/ and toolbox/ are pure: no file system, network, processes, clock or environment modules.',
      severity: 'error',
      from: { path: PURE },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|child_process|net|tls|http|https|http2|dns|os|dgram|worker_threads|cluster|readline|timers|timers/promises|process|async_hooks|perf_hooks|v8|vm)$' },
    },
    {
      name: 'pure-core-only-pure-packages',
      comment: 'The pure core may use zod (schemas) and yaml (formats) from npm, nothing that talks to the world.',
      severity: 'error',
      from: { path: PURE },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: '(^|/)node_modules/(zod|yaml)/' },
    },
    {
      name: 'pure-core-no-side-effect-layers',
      comment: 'The pure core never imports the layers with side effects.',
      severity: 'error',
      from: { path: PURE },
      to: { path: '^src/(local|kafka|operator|exporter|console|cli)/' },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'cli/ is a front-end: lower layers and other front-ends never import it (hints are data; cli/hints.ts words them).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'kafka-layer-is-below-the-runtimes',
      comment: 'kafka/ wraps the Kafka protocol; it does not know the local runtime, the operator or the front-ends.',
      severity: 'error',
      from: { path: '^src/kafka/' },
      to: { path: '^src/(local|operator|exporter|console|cli)/' },
    },
    {
      name: 'front-ends-do-not-import-each-other',
      comment: 'The operator, exporter and console share the core, not each other (the exporter/console snapshot lives in kafka/).',
      severity: 'error',
      from: { path: '^src/(operator|exporter|console)/' },
      to: { path: '^src/(operator|exporter|console)/', pathNot: '^src/$1/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
  },
};
