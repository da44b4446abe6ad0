// Writes the operator chart's CRDs (deploy/helm/kafkaplane-operator/crds/kafkaplane.io.yaml) from src/api/crd.ts,
// the same documents `kafkaplane operator install` prints. Run after a change of the API schemas:
//   node scripts/helm/crds.ts
// test/integration/operator/helm.test.ts fails while the file differs.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { customResourceDefinitions } from '../../src/api/crd.ts';

const file = new URL('../../deploy/helm/kafkaplane-operator/crds/kafkaplane.io.yaml', import.meta.url);
const header = '# Generated from src/api/crd.ts by scripts/helm/crds.ts; test/integration/operator/helm.test.ts checks it is current.\n';
writeFileSync(
  file,
  header +
    customResourceDefinitions()
      .map((crd) => stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false }))
      .join('---\n'),
);
process.stderr.write(`wrote ${file.pathname}\n`);
