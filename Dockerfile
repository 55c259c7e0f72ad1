# ambient-exporter container image.
#   docker build -t ambient-exporter:$(node -p "require('./package.json').version") .
# Two stages: the build stage compiles TypeScript with the dev dependencies; the runtime stage
# holds only production dependencies, the compiled dist/, package.json (read for the version) and
# the runbooks it serves (docs/runbooks).
# The lab (the workspace package in lab/, a development tool) is in neither: it is not in the build
# context, and `npm ci --workspaces=false` installs the root package alone, linking no workspace.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --workspaces=false --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
# iproute2 (`ip`, `bridge`) for the node agent's network checks (`ambient-exporter agent`), which
# read links, addresses, FDB, neighbours and routes as iproute2's JSON; `serve` does not use it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends iproute2 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# No production dependency has an install script; refusing them keeps the image build hermetic.
RUN npm ci --omit=dev --workspaces=false --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The runbooks the exporter serves at /runbooks/<AlertName> (the alerts' links work air-gapped).
COPY docs/runbooks ./docs/runbooks
# The heap cap. Without one V8 sizes its heap from the machine's memory, not the container's limit,
# and lets garbage from every refresh round pile up past it: OOM-killed. The exporter's live heap is
# about 60 MiB at 1,000 nodes; peak RSS stays under 250 MiB with this cap (BENCHMARKS.md), inside
# the Deployment's memory limit (manifests/base/deployment.yaml). Override both together.
ENV NODE_OPTIONS="--max-old-space-size=160"
# The same numeric user the Kubernetes manifests run as (runAsUser 65532); it owns nothing in
# the image, so the application files are read-only to it.
USER 65532:65532
EXPOSE 9479
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
