# kafkaplane's image: the CLI (render, doctor, the toolbox) on Node 24.
#   docker build -t kafkaplane:0.1.0 .
#   docker run --rm -v "$PWD:/work" -w /work kafkaplane:0.1.0 render -f cluster.yaml
# The tests build the same layout without Docker (scripts/kube-node/images.sh, image "kafkaplane"; docs/testing.md).

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: the "node" devDependency would download a second Node; the image has one.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.ts ./scripts/
COPY src ./src
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json --declaration false --sourceMap false \
 && node scripts/copy-assets.ts \
 && npm prune --omit=dev --ignore-scripts

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY examples ./examples
# The node image's unprivileged user (uid 1000).
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/kafkaplane.js"]
CMD ["--help"]
