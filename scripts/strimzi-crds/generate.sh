#!/usr/bin/env bash
# Regenerates Strimzi's Kafka, KafkaNodePool, KafkaTopic and KafkaUser CRDs (kafka.strimzi.io) for each Strimzi release
# the tests check the strimzi format against, into test/fixtures/crds/strimzi/<release>/, the way Strimzi's own build
# produces packaging/install/cluster-operator/04x-Crd-*.yaml: io.strimzi.crdgenerator.CrdGenerator run over the
# io.strimzi:api model classes, with the arguments of the exec-maven-plugin executions in io.strimzi:api:<release>'s
# published pom. Everything comes from Maven Central; the work directory is a temp dir outside the repository.
# See scripts/strimzi-crds/README.md.
#
# Usage:
#   scripts/strimzi-crds/generate.sh [RELEASE...]            regenerate the committed files (default: every release below)
#   scripts/strimzi-crds/generate.sh --check [RELEASE...]    regenerate into a temp dir and diff against the committed files
#   scripts/strimzi-crds/generate.sh --upstream GIT_DIR [RELEASE...]
#       regenerate into a temp dir and diff against Strimzi's own packaging/install/cluster-operator files at the
#       release tag in GIT_DIR (a clone of github.com/strimzi/strimzi-kafka-operator). Not run in CI.
#
# Needs: mvn, and a Java >= 21 (the published generator, and io.strimzi:api from 1.0 on, are built for 21): $JAVA,
# else `java` on PATH, else the newest /usr/lib/jvm/*/bin/java that is >= 21.
set -euo pipefail

# The releases, each with the SHA-256 of its io.strimzi:api jar. 0.48.0: the last line serving only
# kafka.strimzi.io/v1beta2 (KRaft, node pools) as the main API; 0.51.0: v1 served beside v1beta2 (stored), the last
# such line; 1.2.0: serves only v1. Keep in step with STRIMZI_CRD_RELEASES in test/integration/kube/render-apply.test.ts
# (and STRIMZI_APIS in strimzi-model.test.ts for the model classes).
RELEASES=(0.48.0 0.51.0 1.2.0)
declare -A API_SHA256=(
  [0.48.0]=98e08b69959b187a3227b80eede0da3f541e2525bc9ce4e51ecd62db956a61dd
  [1.2.0]=566961ae5e5646a001ae91312beda5cba3a5d467e740e205e1b761754335fe4e
  [0.51.0]=219b54d570c408523f62bffc999041c64ea926afbc784be942290709fbbcde62
)
# Strimzi does not publish crd-generator for every release (0.48.0 is missing); 1.2.0 is the published one that knows
# @CelValidation, which the 0.48.0 model uses (0.45.0 silently drops those rules), and 1.2.0's own. See README.md for
# the check that it produces the same output as 0.45.0 over the 0.48.0 model apart from those rules.
GENERATOR_VERSION=1.2.0
GENERATOR_SHA256=76bb2430e702a1e6a24c071d26c865d5e9572cbc630d176d3b912033ae23ed00
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
FILES=(040-Crd-kafka.yaml 043-Crd-kafkatopic.yaml 044-Crd-kafkauser.yaml 045-Crd-kafkanodepool.yaml)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODE=write
UPSTREAM=""
case "${1:-}" in
  --check) MODE=check; shift ;;
  --upstream)
    MODE=upstream; UPSTREAM="${2:?generate.sh: --upstream needs the git directory of a strimzi-kafka-operator clone}"; shift 2 ;;
esac
[[ $# -gt 0 ]] && RELEASES=("$@")
for r in "${RELEASES[@]}"; do
  [[ -n "${API_SHA256[$r]:-}" ]] || { echo "generate.sh: no pinned io.strimzi:api checksum for Strimzi $r (known: ${!API_SHA256[*]})" >&2; exit 1; }
done

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

# The generator, once for every release.
mkdir -p "$WORK/generator"
cat >"$WORK/generator/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>kafkaplane</groupId><artifactId>kafkaplane-strimzi-crd-generator</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>$GENERATOR_VERSION</version></dependency>
  </dependencies>
</project>
EOF
echo "generate.sh: resolving io.strimzi:crd-generator:$GENERATOR_VERSION" >&2
mvn -B -q -Dstyle.color=never -f "$WORK/generator/pom.xml" "$DEPENDENCY_PLUGIN:copy-dependencies" -DexcludeTransitive=true -DoutputDirectory="$WORK/generator/jars"
echo "$GENERATOR_SHA256  $WORK/generator/jars/crd-generator-$GENERATOR_VERSION.jar" | sha256sum -c --quiet -

status=0
for STRIMZI_VERSION in "${RELEASES[@]}"; do
  DEST="$ROOT/test/fixtures/crds/strimzi/$STRIMZI_VERSION"
  MODEL="$WORK/model-$STRIMZI_VERSION"
  OUT="$WORK/out-$STRIMZI_VERSION"
  # 1. The model: io.strimzi:api with exactly the dependency versions of Strimzi's build (the parent pom's
  #    dependencyManagement), plus the libraries crd-generator itself depends on, at the same managed versions. They go
  #    first on the classpath, so the generator walks the same fabric8 Kubernetes model (7.4.0 for 0.48.0) Strimzi's
  #    own build did (the generator jar is shaded and carries an older or newer copy of its own).
  mkdir -p "$MODEL" "$OUT"
  cat >"$MODEL/pom.xml" <<EOF
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
  echo "generate.sh: resolving io.strimzi:api:$STRIMZI_VERSION (+ its build's dependency versions)" >&2
  mvn -B -q -Dstyle.color=never -f "$MODEL/pom.xml" "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$MODEL/jars"
  echo "${API_SHA256[$STRIMZI_VERSION]}  $MODEL/jars/api-$STRIMZI_VERSION.jar" | sha256sum -c --quiet -

  CP="$MODEL/jars/*:$WORK/generator/jars/crd-generator-$GENERATOR_VERSION.jar"
  echo "generate.sh: running CrdGenerator over Strimzi $STRIMZI_VERSION with $JAVA_BIN (Java $(java_major "$JAVA_BIN"))" >&2
  run_generator() {
    "$JAVA_BIN" -cp "$CP" io.strimzi.crdgenerator.CrdGenerator \
      --label app:strimzi --label strimzi.io/crd-install:true \
      --target-kube 1.16+ --crd-api-version v1 "$@" 2> >(grep -v '^SLF4J' >&2)
  }
  # 2. The executions of io.strimzi:api:<release>'s pom that write these four kinds, restricted to them. Their
  #    arguments, verbatim.
  case "$STRIMZI_VERSION" in
    0.48.0)
      # generate-crd-co-install-v1 and generate-crd-co-install-v1-eo
      run_generator --api-versions v1beta2 --storage-version v1beta2 --yaml \
        "io.strimzi.api.kafka.model.kafka.Kafka=$OUT/040-Crd-kafka.yaml" \
        "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$OUT/045-Crd-kafkanodepool.yaml"
      run_generator --api-versions v1alpha1,v1beta1,v1beta2 --storage-version v1beta2 --yaml \
        "io.strimzi.api.kafka.model.topic.KafkaTopic=$OUT/043-Crd-kafkatopic.yaml" \
        "io.strimzi.api.kafka.model.user.KafkaUser=$OUT/044-Crd-kafkauser.yaml"
      ;;
    0.51.0)
      # generate-crd-co-install-v1 (KafkaNodePool), -v1-no-desc (Kafka, without descriptions) and -v1-eo
      run_generator --api-versions v1beta2,v1 --storage-version v1beta2 --yaml \
        "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$OUT/045-Crd-kafkanodepool.yaml"
      run_generator --api-versions v1beta2,v1 --describe-api-versions v1alpha1 --storage-version v1beta2 --yaml \
        "io.strimzi.api.kafka.model.kafka.Kafka=$OUT/040-Crd-kafka.yaml"
      run_generator --api-versions v1alpha1,v1beta1,v1beta2,v1 --storage-version v1beta2 --yaml \
        "io.strimzi.api.kafka.model.topic.KafkaTopic=$OUT/043-Crd-kafkatopic.yaml" \
        "io.strimzi.api.kafka.model.user.KafkaUser=$OUT/044-Crd-kafkauser.yaml"
      ;;
    1.2.0)
      # generate-crd-co-install-v1 (one execution for every kind since 1.0, v1 served and stored)
      run_generator --api-versions v1 --storage-version v1 --yaml \
        "io.strimzi.api.kafka.model.kafka.Kafka=$OUT/040-Crd-kafka.yaml" \
        "io.strimzi.api.kafka.model.topic.KafkaTopic=$OUT/043-Crd-kafkatopic.yaml" \
        "io.strimzi.api.kafka.model.user.KafkaUser=$OUT/044-Crd-kafkauser.yaml" \
        "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$OUT/045-Crd-kafkanodepool.yaml"
      ;;
  esac
  for f in "${FILES[@]}"; do
    [[ -s "$OUT/$f" ]] || { echo "generate.sh: CrdGenerator did not write $f for Strimzi $STRIMZI_VERSION" >&2; exit 1; }
  done

  case "$MODE" in
    check)
      if diff -r -u "$DEST" "$OUT"; then echo "generate.sh: $DEST is up to date" >&2; else status=1; fi
      ;;
    upstream)
      mkdir -p "$WORK/upstream-$STRIMZI_VERSION"
      for f in "${FILES[@]}"; do
        git -C "$UPSTREAM" show "$STRIMZI_VERSION:packaging/install/cluster-operator/$f" >"$WORK/upstream-$STRIMZI_VERSION/$f"
      done
      if diff -r -u "$WORK/upstream-$STRIMZI_VERSION" "$OUT"; then
        echo "generate.sh: Strimzi $STRIMZI_VERSION: the generated CRDs are identical to packaging/install/cluster-operator at the tag" >&2
      else
        echo "generate.sh: Strimzi $STRIMZI_VERSION: the generated CRDs differ from packaging/install/cluster-operator at the tag (diff above)" >&2
        status=1
      fi
      ;;
    write)
      mkdir -p "$DEST"
      cp "$OUT/"*.yaml "$DEST/"
      echo "generate.sh: wrote $(ls "$OUT" | tr '\n' ' ')to $DEST" >&2
      ;;
  esac
done
exit $status
