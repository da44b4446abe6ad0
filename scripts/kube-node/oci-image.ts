// Writes an OCI image layout tarball (oci-layout, index.json, blobs/sha256/…) from root filesystem directories, one
// uncompressed layer per directory, for `ctr -n k8s.io images import` — images without a registry or a Docker engine.
//
//   node scripts/kube-node/oci-image.ts --name docker.io/kafkaplane-test/x:1 --out x.tar \
//     --layer /path/rootfs [--layer /path/more] [--config '{"User":"1000","Cmd":["/run"]}']
//
// The CRI plugin normalises `x:1` to `docker.io/library/x:1`, so images get their full name (reference §10).
// Layers are tarred with GNU tar (--numeric-owner keeps the uids the directories hold, e.g. 1000 for appuser).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    out: { type: 'string' },
    layer: { type: 'string', multiple: true },
    config: { type: 'string' },
  },
});
if (!values.name || !values.out || !values.layer?.length) {
  process.stderr.write('usage: oci-image.ts --name REF --out FILE --layer DIR [--layer DIR] [--config JSON]\n');
  process.exit(2);
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const out = path.resolve(values.out);
const work = mkdtempSync(path.join(path.dirname(out), '.oci-'));
try {
  const blobs = path.join(work, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const putBlob = (data: string | Buffer): { digest: string; size: number } => {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
    const hex = createHash('sha256').update(buf).digest('hex');
    writeFileSync(path.join(blobs, hex), buf);
    return { digest: `sha256:${hex}`, size: buf.length };
  };

  const layers: { digest: string; size: number }[] = [];
  for (const dir of values.layer) {
    const tmp = path.join(work, 'layer.tar');
    // --sort=name, numeric owners and one mtime make the layer (and its digest) a function of the files alone: an image
    // built again from the same files is not imported again.
    execFileSync('tar', ['--sort=name', '--numeric-owner', '--mtime=@0', '--xattrs', '-C', dir, '-cf', tmp, '.'], { stdio: 'inherit' });
    const hex = await sha256File(tmp);
    const size = statSync(tmp).size;
    renameSync(tmp, path.join(blobs, hex));
    layers.push({ digest: `sha256:${hex}`, size });
  }

  const imageConfig = {
    created: '1970-01-01T00:00:00Z',
    architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
    os: 'linux',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ...(values.config ? (JSON.parse(values.config) as Record<string, unknown>) : {}),
    },
    // Uncompressed layers: the diff id is the layer's own digest.
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    history: layers.map(() => ({ created: '1970-01-01T00:00:00Z', created_by: 'kafkaplane scripts/kube-node/images.sh' })),
  };
  const config = putBlob(JSON.stringify(imageConfig));
  const manifest = putBlob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l })),
    }),
  );
  writeFileSync(path.join(work, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const tag = values.name.slice(values.name.lastIndexOf(':') + 1);
  writeFileSync(
    path.join(work, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'io.containerd.image.name': values.name, 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  // Also `docker load`'s own format (manifest.json beside the same blobs, as Docker 25+ writes): one tarball for
  // containerd and for a Docker engine.
  const dockerName = values.name.replace(/^docker\.io\//, '');
  writeFileSync(
    path.join(work, 'manifest.json'),
    JSON.stringify([{ Config: `blobs/sha256/${config.digest.slice(7)}`, RepoTags: [dockerName], Layers: layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`) }]),
  );
  const tmpOut = `${out}.tmp`;
  execFileSync('tar', ['--sort=name', '-C', work, '-cf', tmpOut, 'oci-layout', 'index.json', 'manifest.json', 'blobs'], { stdio: 'inherit' });
  renameSync(tmpOut, out);
  process.stdout.write(`${values.name} ${manifest.digest} ${out}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
