#!/usr/bin/env bash
# Regenerates Strimzi's Kafka, KafkaNodePool, KafkaTopic and KafkaUser CRDs (kafka.strimzi.io, v1beta2 storage)
# into test/fixtures/crds/strimzi/, the way Strimzi's own build produces packaging/install/cluster-operator/04x-Crd-*.yaml:
# io.strimzi.crdgenerator.CrdGenerator run over the io.strimzi:api model classes, with the arguments of the
# exec-maven-plugin executions in io.strimzi:api:<version>'s published pom. Everything comes from Maven Central;
# the work directory is a temp dir outside the repository. See scripts/strimzi-crds/README.md.
#
# Usage:
#   scripts/strimzi-crds/generate.sh           regenerate the committed files
#   scripts/strimzi-crds/generate.sh --check   regenerate into a temp dir and diff against the committed files
#
# Needs: mvn, and a Java >= 21 (the published generator is built for 21): $JAVA, else `java` on PATH, else
# the newest /usr/lib/jvm/*/bin/java that is >= 21.
set -euo pipefail

# The Strimzi release whose CRDs we want: the last line serving kafka.strimzi.io/v1beta2 (KRaft, node pools) as the
# main API. Same version as test/integration/kube/strimzi-model.test.ts.
STRIMZI_VERSION=0.48.0
# Strimzi does not publish crd-generator for every release (0.48.0 is missing); 1.2.0 is the published one that knows
# @CelValidation, which the 0.48.0 model uses (0.45.0 silently drops those rules). See README.md for the check that
# it produces the same output as 0.45.0 apart from those rules.
GENERATOR_VERSION=1.2.0
API_SHA256=98e08b69959b187a3227b80eede0da3f541e2525bc9ce4e51ecd62db956a61dd
GENERATOR_SHA256=76bb2430e702a1e6a24c071d26c865d5e9572cbc630d176d3b912033ae23ed00
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="$ROOT/test/fixtures/crds/strimzi"
CHECK=false
[[ "${1:-}" == "--check" ]] && CHECK=true

java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
find_java() {
  if [[ -n "${JAVA:-}" ]]; then
    [[ "$(java_major "$JAVA")" -ge 21 ]] 2>/dev/null || { echo "generate.sh: JAVA=$JAVA is not a Java >= 21" >&2; exit 1; }
    echo "$JAVA"; return
  fi
  local best="" best_major=0 major j
  for j in $(command -v java) /usr/lib/jvm/*/bin/java; do
    [[ -x "$j" ]] || continue
    major="$(java_major "$j")"
    [[ -n "$major" && "$major" -ge 21 && "$major" -gt "$best_major" ]] && { best="$j"; best_major="$major"; }
  done
  [[ -n "$best" ]] || { echo "generate.sh: need a Java >= 21 (set JAVA=/path/to/bin/java)" >&2; exit 1; }
  echo "$best"
}
JAVA_BIN="$(find_java)"
command -v mvn >/dev/null || { echo "generate.sh: mvn not found" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kafkaplane-strimzi-crds.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# 1. The model: io.strimzi:api with exactly the dependency versions of Strimzi's build (the parent pom's
#    dependencyManagement), plus the libraries crd-generator itself depends on, at the same managed versions. They go
#    first on the classpath, so the generator walks the same fabric8 Kubernetes model (7.4.0 for 0.48.0) Strimzi's
#    own build did (the generator jar is shaded and carries an older or newer copy of its own).
mkdir -p "$WORK/model" "$WORK/generator" "$WORK/out"
cat >"$WORK/model/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <parent><groupId>io.strimzi</groupId><artifactId>strimzi</artifactId><version>$STRIMZI_VERSION</version><relativePath/></parent>
  <artifactId>kafkaplane-strimzi-crd-model</artifactId>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>$STRIMZI_VERSION</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId></dependency>
    <dependency><groupId>com.fasterxml.jackson.dataformat</groupId><artifactId>jackson-dataformat-yaml</artifactId></dependency>
    <dependency><groupId>io.fabric8</groupId><artifactId>kubernetes-client-api</artifactId></dependency>
    <dependency><groupId>io.fabric8</groupId><artifactId>kubernetes-model-core</artifactId></dependency>
  </dependencies>
</project>
EOF
cat >"$WORK/generator/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>kafkaplane</groupId><artifactId>kafkaplane-strimzi-crd-generator</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>$GENERATOR_VERSION</version></dependency>
  </dependencies>
</project>
EOF
echo "generate.sh: resolving io.strimzi:api:$STRIMZI_VERSION (+ its build's dependency versions) and io.strimzi:crd-generator:$GENERATOR_VERSION" >&2
mvn -B -q -Dstyle.color=never -f "$WORK/model/pom.xml" "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$WORK/model/jars"
mvn -B -q -Dstyle.color=never -f "$WORK/generator/pom.xml" "$DEPENDENCY_PLUGIN:copy-dependencies" -DexcludeTransitive=true -DoutputDirectory="$WORK/generator/jars"

echo "$API_SHA256  $WORK/model/jars/api-$STRIMZI_VERSION.jar" | sha256sum -c --quiet -
echo "$GENERATOR_SHA256  $WORK/generator/jars/crd-generator-$GENERATOR_VERSION.jar" | sha256sum -c --quiet -

CP="$WORK/model/jars/*:$WORK/generator/jars/crd-generator-$GENERATOR_VERSION.jar"
echo "generate.sh: running CrdGenerator with $JAVA_BIN (Java $(java_major "$JAVA_BIN"))" >&2

# 2. The two executions of io.strimzi:api:0.48.0's pom (generate-crd-co-install-v1 and generate-crd-co-install-v1-eo),
#    restricted to the four kinds kafkaplane renders. Their arguments, verbatim.
run_generator() {
  "$JAVA_BIN" -cp "$CP" io.strimzi.crdgenerator.CrdGenerator \
    --label app:strimzi --label strimzi.io/crd-install:true \
    --target-kube 1.16+ --crd-api-version v1 "$@" 2> >(grep -v '^SLF4J' >&2)
}
run_generator --api-versions v1beta2 --storage-version v1beta2 --yaml \
  "io.strimzi.api.kafka.model.kafka.Kafka=$WORK/out/040-Crd-kafka.yaml" \
  "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$WORK/out/045-Crd-kafkanodepool.yaml"
run_generator --api-versions v1alpha1,v1beta1,v1beta2 --storage-version v1beta2 --yaml \
  "io.strimzi.api.kafka.model.topic.KafkaTopic=$WORK/out/043-Crd-kafkatopic.yaml" \
  "io.strimzi.api.kafka.model.user.KafkaUser=$WORK/out/044-Crd-kafkauser.yaml"

for f in 040-Crd-kafka.yaml 043-Crd-kafkatopic.yaml 044-Crd-kafkauser.yaml 045-Crd-kafkanodepool.yaml; do
  [[ -s "$WORK/out/$f" ]] || { echo "generate.sh: CrdGenerator did not write $f" >&2; exit 1; }
done

if $CHECK; then
  diff -r -u "$DEST" "$WORK/out" && echo "generate.sh: $DEST is up to date" >&2
else
  mkdir -p "$DEST"
  cp "$WORK/out/"*.yaml "$DEST/"
  echo "generate.sh: wrote $(ls "$WORK/out" | tr '\n' ' ')to $DEST" >&2
fi
