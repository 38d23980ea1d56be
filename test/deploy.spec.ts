import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const root = resolve(__dirname, '..');
const k8sDir = join(root, 'deploy', 'k8s');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Container {
  name: string;
  command?: string[];
  resources?: { requests?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
}

function manifests(): Array<{ file: string; doc: Manifest }> {
  return readdirSync(k8sDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8')).map((d) => {
        if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
        return { file, doc: d.toJSON() as Manifest };
      }),
    );
}

/** The kubernetes-models class for a manifest (its JSON schema validation). */
function modelClass(doc: Manifest): new (data: unknown) => { validate(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- one module per kind, chosen at run time
  const mod = require(`kubernetes-models/${doc.apiVersion}/${doc.kind}`) as Record<
    string,
    new (data: unknown) => { validate(): void }
  >;
  const model = mod[doc.kind];
  if (!model) throw new Error(`no model for ${doc.apiVersion} ${doc.kind}`);
  return model;
}

function containers(doc: Manifest): Container[] {
  const template = (doc.spec as { template: { spec: { containers: Container[] } } }).template;
  return template.spec.containers;
}

describe('deployment files', () => {
  it('every Kubernetes manifest is valid against the Kubernetes schemas and listed in the kustomization', () => {
    const all = manifests();
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const { file, doc } of all) {
      const Model = modelClass(doc);
      expect(() => new Model(doc).validate()).not.toThrow();
      expect(`${file}:${doc.metadata.name}`).toBeTruthy();
    }
    const kustomization = parse(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...new Set(all.map((m) => m.file))].sort());
  });

  it('the schema check rejects a broken manifest', () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'two', template: {} },
    };
    const Model = modelClass(broken);
    expect(() => new Model(broken).validate()).toThrow();
  });

  it('runs the three apps with probes, resource requests, a migrate Job and an HPA for the indexer', () => {
    const all = manifests().map((m) => m.doc);
    const deployments = all.filter((d) => d.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([
      'facecluster-clusterer',
      'facecluster-gateway',
      'facecluster-indexer',
    ]);
    for (const deployment of deployments) {
      const app = deployment.metadata.name.replace('facecluster-', '');
      const [container] = containers(deployment);
      expect(container.command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
      expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(Object.keys(container.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    }
    const job = all.find((d) => d.kind === 'Job')!;
    expect(containers(job)[0].command).toEqual(['node', 'dist/scripts/migrate.js']);
    const hpa = all.find((d) => d.kind === 'HorizontalPodAutoscaler')!;
    expect((hpa.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).toBe('facecluster-indexer');
    const config = all.find((d) => d.kind === 'ConfigMap')! as Manifest & { data: Record<string, string> };
    expect(config.data['GATEWAY_PORT']).toBe('3000');
  });

  it('the compose file wires Postgres, Redis, MinIO notifications, migrate and the apps', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<
        string,
        {
          command?: string[] | string;
          environment?: Record<string, string>;
          depends_on?: Record<string, { condition: string }>;
        }
      >;
    };
    const services = compose.services;
    expect(Object.keys(services).sort()).toEqual([
      'clusterer',
      'gateway',
      'indexer',
      'migrate',
      'minio',
      'minio-init',
      'postgres',
      'redis',
    ]);
    const minioEnv = services['minio'].environment!;
    expect(minioEnv['MINIO_NOTIFY_WEBHOOK_ENABLE_FACECLUSTER']).toBe('on');
    expect(minioEnv['MINIO_NOTIFY_WEBHOOK_ENDPOINT_FACECLUSTER']).toBe('http://gateway:3000/api/v1/events/storage');
    expect(String(services['minio-init'].command)).toContain(
      'mc event add "local/$$BUCKET" arn:minio:sqs::FACECLUSTER:webhook --event put,delete',
    );
    expect(services['migrate'].command).toEqual(['node', 'dist/scripts/migrate.js']);
    for (const app of ['gateway', 'indexer', 'clusterer']) {
      const service = services[app];
      expect(service.command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
      expect(service.depends_on?.['migrate']?.condition).toBe('service_completed_successfully');
      expect(service.environment?.['S3_ENDPOINT']).toBe('http://minio:9000');
      expect(service.environment?.['DATABASE_URL']).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    }
  });

  it('Redis keeps its queues across restarts (AOF, no eviction) in compose and Kubernetes', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { command?: string[] }>;
    };
    const redis = manifests().find((m) => m.doc.kind === 'StatefulSet' && m.doc.metadata.name === 'redis');
    const args = (redis?.doc as unknown as { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } })
      .spec.template.spec.containers[0].args;
    for (const command of [compose.services['redis'].command ?? [], args]) {
      expect(command.join(' ')).toContain('--appendonly yes');
      expect(command.join(' ')).toContain('--maxmemory-policy noeviction');
    }
  });

  it('the Prometheus config and the Grafana dashboard reference the exported metrics', () => {
    const prometheus = parse(readFileSync(join(root, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }> }>;
    };
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs ?? []).flatMap((s) => s.targets);
    expect(targets.sort()).toEqual(['clusterer:3002', 'gateway:3000', 'indexer:3001']);
    const dashboard = JSON.parse(
      readFileSync(join(root, 'deploy', 'grafana', 'facecluster-dashboard.json'), 'utf8'),
    ) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of [
      'facecluster_jobs_processed_total',
      'facecluster_jobs_failed_total',
      'facecluster_queue_jobs',
      'facecluster_queue_wait_seconds_bucket',
      'facecluster_inference_duration_seconds_bucket',
      'facecluster_faces_per_image_count',
      'facecluster_cluster_run_duration_seconds_bucket',
      'facecluster_http_request_duration_seconds_bucket',
    ]) {
      expect(exprs).toContain(metric);
    }
  });

  it('the Dockerfile builds on node:20-slim and runs as a non-root user', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-slim AS build$/m);
    expect(dockerfile).toContain('RUN npm run build');
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
