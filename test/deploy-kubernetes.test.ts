import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t, { type Test } from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { ConfigError, parseConfig } from '../src/config/load.js';
import type { Source } from '../src/core/source.js';
import { sources } from '../src/sources/registry.js';

const ROOT = new URL('..', import.meta.url).pathname;
const KUBE = join(ROOT, 'deploy/kubernetes');
const RULES = join(ROOT, 'deploy/prometheus/rules');
const SECRET_MOUNT = '/run/secrets/capacity-exporter';

// What the tests read of the shipped objects; kubernetes-models' schemas check the rest.
interface Container {
  name: string;
  command: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }>;
  ports: Array<{ name: string; containerPort: number; protocol: string }>;
  securityContext: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities: { drop: string[] } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface WorkloadSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: {
    metadata: { labels: Record<string, string> };
    spec: {
      securityContext: { runAsNonRoot?: boolean; runAsUser?: number };
      automountServiceAccountToken?: boolean;
      initContainers?: Container[];
      containers: Container[];
      volumes: Array<{ name: string; configMap?: { name: string }; secret?: { secretName: string } }>;
    };
  };
}
interface Kinds {
  Deployment: { spec: WorkloadSpec };
  StatefulSet: { spec: WorkloadSpec & { serviceName: string } };
  ConfigMap: { data: Record<string, string> };
  Secret: { stringData: Record<string, string> };
  Service: { spec: { selector: Record<string, string>; ports: Array<{ name: string; targetPort: string }> } };
  ServiceMonitor: {
    spec: {
      jobLabel: string;
      selector: { matchLabels: Record<string, string> };
      endpoints: Array<{ port: string; path: string; interval: string; scrapeTimeout: string }>;
    };
  };
  PrometheusRule: { spec: { groups: unknown[] } };
}
type Obj = {
  [K in keyof Kinds]: Kinds[K] & { apiVersion: string; kind: K; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };
}[keyof Kinds];
type ObjOf<K extends keyof Kinds> = Extract<Obj, { kind: K }>;

// Each model takes its own kind's data: the parsed YAML is handed over unchecked (`as never`), as checking it is validate()'s job.
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    })
    .sort();
}

const objects: Array<{ file: string; obj: Obj }> = [];
for (const file of yamlFiles(KUBE)) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as Obj | null;
    if (obj) objects.push({ file: relative(ROOT, file), obj });
  }
}

function find<K extends keyof Kinds>(kind: K, name: string): ObjOf<K> {
  const hit = objects.find((o) => o.obj.kind === kind && o.obj.metadata.name === name);
  if (!hit) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return hit.obj as ObjOf<K>;
}

function named<T extends { name: string }>(items: T[], name: string): T {
  const hit = items.find((item) => item.name === name);
  if (!hit) throw new Error(`nothing named ${name}`);
  return hit;
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

function registryFor(kinds: string[]): Source[] {
  return sources.filter((s) => kinds.includes(s.kind));
}

/**
 * Validates a config from a ConfigMap with the real sources, its *File keys
 * pointing into the Secret mount made to point at the example Secret's keys
 * written out: so every secret file the config names must be a key of the Secret.
 */
async function checkConfig(t: Test, raw: Record<string, unknown>, secret: ObjOf<'Secret'>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kube-secrets-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [key, value] of Object.entries(secret.stringData)) writeFileSync(join(dir, key), `${value}\n`);
  const named: string[] = [];
  const redirect = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(redirect);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => {
        if (k.endsWith('File') && typeof v === 'string' && v.startsWith(`${SECRET_MOUNT}/`)) {
          named.push(v.slice(SECRET_MOUNT.length + 1));
          return [k, join(dir, v.slice(SECRET_MOUNT.length + 1))];
        }
        return [k, redirect(v)];
      }),
    );
  };
  const redirected = redirect(raw) as Record<string, unknown>;
  const kinds = Object.keys(raw).filter((k) => !['server', 'log', 'collection'].includes(k));
  let targets = 0;
  try {
    const config = parseConfig(redirected, registryFor(kinds), { env: {} });
    targets = config.targets.length;
  } catch (err) {
    if (err instanceof ConfigError) t.fail(`config invalid:\n  ${err.problems.join('\n  ')}`);
    else throw err;
  }
  t.equal(
    targets,
    kinds.reduce((n, k) => n + (raw[k] as unknown[]).length, 0),
    `all ${kinds.join(', ')} targets valid`,
  );
  t.ok(named.length > 0, 'secrets come from *File keys');
  for (const key of named) t.ok(key in secret.stringData, `secret file ${key} is a key of the Secret`);
}

t.test('every object validates against its kubernetes-models schema', async (t) => {
  t.same(
    [...new Set(objects.map(({ obj }) => obj.kind))].sort(),
    ['ConfigMap', 'Deployment', 'PrometheusRule', 'Secret', 'Service', 'ServiceMonitor', 'StatefulSet'],
    'every kind of object is shipped',
  );
  for (const { file, obj } of objects) {
    const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
    if (!Model) {
      t.fail(`${file}: no model for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    t.doesNotThrow(() => new Model(obj as never).validate(), `${file}: ${obj.kind} ${obj.metadata.name}`);
    t.equal(obj.metadata.namespace, 'monitoring', `${file}: namespace`);
    t.equal(obj.metadata.labels?.['app.kubernetes.io/name'], 'capacity-exporter', `${file}: name label`);
  }
});

t.test('the validation rejects a broken object', async (t) => {
  const broken = structuredClone(find('Deployment', 'capacity-exporter'));
  Object.assign(broken.spec.template.spec.containers[0]!.ports[0]!, { containerPort: 'ten thousand' });
  t.throws(() => new Deployment(broken as never).validate(), /containerPort/);
});

for (const [kind, name] of [
  ['Deployment', 'capacity-exporter'],
  ['StatefulSet', 'capacity-exporter-intercloud'],
] as const) {
  t.test(`${kind} ${name}: probes, resources, security`, async (t) => {
    const workload = find(kind, name);
    const pod = workload.spec.template;
    t.ok(matches(workload.spec.selector.matchLabels, pod.metadata.labels), 'selector matches the pod labels');
    t.equal(pod.spec.securityContext.runAsNonRoot, true, 'runAsNonRoot');
    t.not(pod.spec.securityContext.runAsUser, 0, 'numeric non-root user');
    t.equal(pod.spec.automountServiceAccountToken, false, 'no API token mounted');
    const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
    for (const c of containers) {
      t.equal(c.securityContext.readOnlyRootFilesystem, true, `${c.name}: readOnlyRootFilesystem`);
      t.equal(c.securityContext.allowPrivilegeEscalation, false, `${c.name}: no privilege escalation`);
      t.same(c.securityContext.capabilities.drop, ['ALL'], `${c.name}: drops every capability`);
      t.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, `${c.name}: resources`);
    }
    const main = named(pod.spec.containers, 'capacity-exporter');
    t.same(main.ports, [{ name: 'metrics', containerPort: 10064, protocol: 'TCP' }], 'listens on 10064');
    t.match(main.livenessProbe, { httpGet: { path: '/healthz', port: 'metrics' } }, 'liveness on /healthz');
    t.match(main.readinessProbe, { httpGet: { path: '/readyz', port: 'metrics' } }, 'readiness on /readyz');
    const configFlag = main.command.indexOf('--config');
    t.ok(configFlag > 0, '--config given');
    const configMount = named(main.volumeMounts, 'config');
    t.equal(main.command[configFlag + 1], `${configMount.mountPath}/config.json`, 'config file is on the config volume');
    const secretMount = named(main.volumeMounts, 'secrets');
    t.equal(secretMount.mountPath, SECRET_MOUNT, 'secrets mounted where the configs point');
    for (const m of main.volumeMounts) t.equal(m.readOnly, true, `${m.name} mounted read-only`);
    for (const v of pod.spec.volumes) {
      if (v.configMap) t.ok(find('ConfigMap', v.configMap.name), `ConfigMap ${v.configMap.name} exists`);
      if (v.secret) t.ok(find('Secret', v.secret.secretName), `Secret ${v.secret.secretName} exists`);
    }
  });
}

t.test('Services select the pods, the ServiceMonitor selects the Services', async (t) => {
  const monitor = find('ServiceMonitor', 'capacity-exporter');
  const pairs = [
    ['capacity-exporter', find('Deployment', 'capacity-exporter')],
    ['capacity-exporter-intercloud', find('StatefulSet', 'capacity-exporter-intercloud')],
  ] as const;
  for (const [serviceName, workload] of pairs) {
    const service = find('Service', serviceName);
    const pod = workload.spec.template;
    t.ok(matches(service.spec.selector, pod.metadata.labels), `${serviceName} selects the ${workload.kind}'s pods`);
    t.notOk(
      objects.some(
        ({ obj }) =>
          obj !== workload && (obj.kind === 'Deployment' || obj.kind === 'StatefulSet') && matches(service.spec.selector, obj.spec.template.metadata.labels),
      ),
      `${serviceName} selects no other workload's pods`,
    );
    const containerPorts = pod.spec.containers.flatMap((c) => c.ports.map((p) => p.name));
    for (const p of service.spec.ports) t.ok(containerPorts.includes(p.targetPort), `${serviceName} port ${p.name} targets a container port`);
    t.ok(matches(monitor.spec.selector.matchLabels, service.metadata.labels), `ServiceMonitor selects ${serviceName}`);
    t.ok(
      service.spec.ports.some((p) => p.name === monitor.spec.endpoints[0]!.port),
      `${serviceName} has the scraped port`,
    );
    // CapacityExporterDown matches up{job="capacity-exporter"}.
    t.equal(service.metadata.labels?.[monitor.spec.jobLabel], 'capacity-exporter', `job of ${serviceName} is capacity-exporter`);
  }
  t.equal(find('StatefulSet', 'capacity-exporter-intercloud').spec.serviceName, 'capacity-exporter-intercloud', 'StatefulSet governed by its headless Service');
  const endpoint = monitor.spec.endpoints[0]!;
  t.equal(endpoint.path, '/metrics');
  t.ok(parseInt(endpoint.scrapeTimeout) < parseInt(endpoint.interval), 'scrapeTimeout below interval');
});

t.test('the ConfigMap holds a valid config whose secrets are Secret keys', async (t) => {
  const raw = JSON.parse(find('ConfigMap', 'capacity-exporter-config').data['config.json']!) as Record<string, unknown>;
  await checkConfig(t, raw, find('Secret', 'capacity-exporter-secrets'));
});

t.test('the PrometheusRule embeds every shipped rule file', async (t) => {
  const files = readdirSync(RULES)
    .filter((f) => f.endsWith('.rules.yml'))
    .sort();
  t.ok(files.includes('exporter.rules.yml'), 'exporter rules shipped');
  const groups = files.flatMap((f) => (parse(readFileSync(join(RULES, f), 'utf8')) as { groups: unknown[] }).groups);
  t.same(
    find('PrometheusRule', 'capacity-exporter').spec.groups,
    groups,
    'prometheusrule.yaml holds the rule files (if not: node deploy/kubernetes/generate-prometheusrule.mjs)',
  );
});

t.test('sharded StatefulSet: each replica gets its ordinal as shard.index', async (t) => {
  const sts = find('StatefulSet', 'capacity-exporter-intercloud');
  const shardCm = find('ConfigMap', 'capacity-exporter-intercloud-sharded');
  const init = sts.spec.template.spec.initContainers![0]!;
  const shardCount = named(init.env, 'SHARD_COUNT').value;
  t.equal(Number(shardCount), sts.spec.replicas, 'SHARD_COUNT equals replicas');
  t.equal(named(init.env, 'POD_NAME').valueFrom?.fieldRef.fieldPath, 'metadata.name', 'POD_NAME from the downward API');

  // Run the init container's command against the ConfigMap's files, paths remapped to a temp dir.
  const dir = mkdtempSync(join(tmpdir(), 'kube-shard-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const shardMount = named(init.volumeMounts, 'shard').mountPath;
  const configMount = named(init.volumeMounts, 'config').mountPath;
  for (const [key, value] of Object.entries(shardCm.data)) writeFileSync(join(dir, key), value);
  const local = (p: string) => p.replace(`${shardMount}/`, `${dir}/`).replace(`${configMount}/`, `${dir}/out-`);
  const [cmd, ...args] = init.command;
  t.equal(cmd, 'node');
  const run = (pod: string) => spawnSync(process.execPath, args.map(local), { env: { POD_NAME: pod, SHARD_COUNT: shardCount }, encoding: 'utf8' });

  const out = local(init.command.at(-1)!);
  const main = sts.spec.template.spec.containers[0]!;
  t.equal(main.command.at(-1), init.command.at(-1), 'the exporter reads the file the init container writes');
  for (let ordinal = 0; ordinal < sts.spec.replicas; ordinal++) {
    const res = run(`${sts.metadata.name}-${ordinal}`);
    t.equal(res.status, 0, `replica ${ordinal}: ${res.stderr}`);
    const config = JSON.parse(readFileSync(out, 'utf8')) as { intercloud: Array<{ shard: unknown }> } & Record<string, unknown>;
    t.ok(config.intercloud.length > 0);
    for (const target of config.intercloud) t.same(target.shard, { index: ordinal, count: sts.spec.replicas }, `replica ${ordinal} shard`);
    if (ordinal === sts.spec.replicas - 1) await checkConfig(t, config, find('Secret', 'capacity-exporter-secrets'));
  }
  const extra = run(`${sts.metadata.name}-${sts.spec.replicas}`);
  t.equal(extra.status, 2, 'a replica beyond SHARD_COUNT refuses to start');
  t.match(extra.stderr, /change replicas and SHARD_COUNT together/);
  t.equal(run('no-ordinal').status, 2, 'a pod name without ordinal is refused');
});

t.test('the generator reproduces prometheusrule.yaml', async (t) => {
  // Runs the generator on a copy so that the check does not rewrite the tree.
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.kube-gen-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const script = readFileSync(join(KUBE, 'generate-prometheusrule.mjs'), 'utf8').replace("join(here, '..', 'prometheus', 'rules')", JSON.stringify(RULES));
  writeFileSync(join(dir, 'gen.mjs'), script);
  execFileSync(process.execPath, [join(dir, 'gen.mjs')]);
  t.equal(
    readFileSync(join(dir, 'prometheusrule.yaml'), 'utf8'),
    readFileSync(join(KUBE, 'prometheusrule.yaml'), 'utf8'),
    'prometheusrule.yaml is what the generator writes',
  );
});
