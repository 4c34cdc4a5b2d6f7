// Kubernetes manifests (`--deploy kubernetes`, `add kubernetes`): deploy/kubernetes/ as a
// kustomize base plus `dev` and `prod` overlays (./templates/); the dev overlay's
// StatefulSets for PostgreSQL and Redis when the app uses them (src/features/kubernetes-dev-services/templates/);
// and, when the app has migrations, the Job that runs them (src/features/kubernetes-migrations/templates/). This module owns the
// facts those files are built from; the values that differ per app (port, UID, health path,
// server, services, migrations) come from the render context.

import { SERVICE_IMAGES } from '../../engine/versions.js';
import { GRACEFUL_SHUTDOWN_SECONDS } from '../app-server.js';
import type { ServiceKey } from '../../options/values.js';
import type { BackgroundWorker, DeployInput, Feature, FeatureInput, Migrations } from '../types.js';

export const KUBERNETES_LAYER = 'kubernetes';
export const MIGRATIONS_LAYER = 'kubernetes-migrations';
/** The HorizontalPodAutoscaler: only for an app whose pods share their state (see singleReplicaWhy). */
export const AUTOSCALING_LAYER = 'kubernetes-autoscaling';
/** The dev overlay's StatefulSets for the chosen services (none: no layer, no file). */
export const DEV_SERVICES_LAYER = 'kubernetes-dev-services';

/** Where the manifests go in a project; a linter run over the project finds deploy/kubernetes/**\/*.yaml. */
export const KUBERNETES_DIR = 'deploy/kubernetes';


/**
 * How long the server takes at most to stop after SIGTERM: gunicorn's `graceful_timeout` in
 * gunicorn.conf.py and uvicorn's `--timeout-graceful-shutdown` (src/features/app-server.ts).
 */
export const SERVER_GRACEFUL_TIMEOUT_SECONDS = GRACEFUL_SHUTDOWN_SECONDS;

/**
 * The pod's preStop sleep: the kubelet waits this long before SIGTERM, so the endpoints
 * controller and the proxies stop sending new requests to a pod that is about to stop.
 */
export const PRE_STOP_SLEEP_SECONDS = 5;

/** Above the preStop sleep plus the server's graceful timeout, with room to spare. */
export const TERMINATION_GRACE_PERIOD_SECONDS = PRE_STOP_SLEEP_SECONDS + SERVER_GRACEFUL_TIMEOUT_SECONDS + 10;

/** A directory the server writes to under readOnlyRootFilesystem: an emptyDir volume. */
export interface WritablePath {
  /** The volume's name. */
  name: string;
  mountPath: string;
  /** 'Memory': a tmpfs, like Docker's --tmpfs. */
  medium?: 'Memory';
  sizeLimit: string;
  /**
   * Why the server needs it, in clauses: one comment line each in the manifest (within
   * yamllint's 80 columns there), joined with '; ' in the README.
   */
  why: string[];
}

/**
 * The writable paths of the app container, found by running both servers in the image with
 * `docker diff` and a read-only root (tests/stack/kubernetes-docker.test.ts runs them so):
 *  - /tmp: Python's tempfile, where Werkzeug (over 500 kB) and Starlette (over 1 MB) spool
 *    request bodies, and where gunicorn keeps its worker heartbeat files when no
 *    worker_tmp_dir is set (an app served without our gunicorn.conf.py);
 *  - /dev/shm: gunicorn's worker_tmp_dir in our gunicorn.conf.py (it refuses to start
 *    without it). The runtime mounts a 64 MiB /dev/shm anyway; the emptyDir makes it explicit
 *    and sized.
 * uvicorn itself writes nothing.
 */
export function writablePaths(server: 'gunicorn' | 'uvicorn'): WritablePath[] {
  const tmp: WritablePath = {
    name: 'tmp',
    mountPath: '/tmp',
    sizeLimit: '64Mi',
    why: ['Python temp files: request bodies the framework spools to disk'],
  };
  if (server === 'uvicorn') return [tmp];
  return [
    { ...tmp, why: [...tmp.why, "gunicorn's worker heartbeats when no worker_tmp_dir is set"] },
    { name: 'dev-shm', mountPath: '/dev/shm', medium: 'Memory', sizeLimit: '16Mi', why: ["gunicorn's worker heartbeat files: its worker_tmp_dir"] },
  ];
}

/** Worker processes per pod: scale with replicas (the HPA), not with processes. */
export function webConcurrency(server: 'gunicorn' | 'uvicorn'): number {
  // gunicorn's master keeps one worker busy with a slow request from stalling the pod.
  return server === 'gunicorn' ? 2 : 1;
}

/** What a pod asks for and may use. */
export const APP_RESOURCES = {
  requests: { cpu: '100m', memory: '192Mi' },
  limits: { cpu: '1', memory: '512Mi' },
} as const;

/** A backing service run inside the cluster by the dev overlay only (managed services in prod). */
export interface DevStatefulSet {
  key: ServiceKey;
  /** The Service name, also the host in the app's URL (the same as in compose.yaml). */
  service: string;
  image: string;
  port: number;
  /** The data directory, a PersistentVolumeClaim. */
  dataPath: string;
  storage: string;
  /** The image's own non-root user, which owns the data. */
  uid: number;
  /** Extra writable paths besides the data (readOnlyRootFilesystem). */
  writable: { name: string; mountPath: string }[];
  /** Exec-form readiness check. */
  ready: string[];
}

export const DEV_STATEFULSETS: Record<ServiceKey, DevStatefulSet> = {
  postgres: {
    key: 'postgres',
    service: 'db',
    image: SERVICE_IMAGES.postgres,
    port: 5432,
    // PostgreSQL 18+ images keep their data under /var/lib/postgresql/<major>/docker.
    dataPath: '/var/lib/postgresql',
    storage: '1Gi',
    // The postgres user of the official Debian-based image.
    uid: 999,
    writable: [
      { name: 'run', mountPath: '/var/run/postgresql' },
      { name: 'tmp', mountPath: '/tmp' },
    ],
    ready: ['pg_isready', '-U', 'app', '-d', 'app', '-h', '127.0.0.1'],
  },
  redis: {
    key: 'redis',
    service: 'redis',
    image: SERVICE_IMAGES.redis,
    port: 6379,
    dataPath: '/data',
    storage: '1Gi',
    // The redis user of the official Debian-based image.
    uid: 999,
    writable: [],
    ready: ['redis-cli', 'ping'],
  },
};

/** The dev overlay's StatefulSets: one for each service the app uses. */
export function devStatefulSets(services: readonly ServiceKey[]): DevStatefulSet[] {
  return services.map((key) => DEV_STATEFULSETS[key]);
}

/**
 * Whether a new project's dev overlay runs images of its own (its StatefulSets'), which
 * Dependabot and Renovate keep up to date: with `--deploy kubernetes` and a service.
 */
export function devOverlayRunsImages(input: FeatureInput): boolean {
  return kubernetesFeature.chosen(input) && devStatefulSets(input.deploy.services).length > 0;
}

/** The app's settings that are not secret: the ConfigMap. */
export interface ConfigEntry {
  name: string;
  value: string;
  comment: string;
}

/** The migration command of an Alembic project (alembic.ini at the root). */
export const ALEMBIC_MIGRATIONS: Migrations = { command: ['alembic', 'upgrade', 'head'] };

/**
 * A key of the app's Secret: its value is never in the repository. secret.example lists the keys
 * with empty values (a placeholder value would run: the app refuses the known ones, but no
 * emitted file carries one), and the comment shows the form.
 */
export interface SecretEntry {
  name: string;
  /** base/secret.example's comment (managed services): what it holds and its form. */
  comment: string;
  /** overlays/dev/secret.example's comment (the dev StatefulSets). */
  devComment: string;
}

/** The Secret's keys per service; a new service adds its entry (the Record makes it required). */
const SERVICE_SECRETS: Record<ServiceKey, SecretEntry[]> = {
  postgres: [
    {
      name: 'DATABASE_URL',
      comment: 'SQLAlchemy URL of the database, password included: postgresql+psycopg://USER:PASSWORD@HOST:5432/DB?sslmode=require',
      devComment: 'SQLAlchemy URL of the dev database, with the POSTGRES_PASSWORD below: postgresql+psycopg://app:PASSWORD@db:5432/app',
    },
  ],
  redis: [
    {
      name: 'REDIS_URL',
      comment: 'Redis URL, password included when the server has one: rediss://:PASSWORD@HOST:6380/0',
      devComment: 'Redis URL of the dev Redis (no password): redis://redis:6379/0',
    },
  ],
};

/** The password the dev overlay's PostgreSQL StatefulSet is created with (same Secret). */
const DEV_POSTGRES_PASSWORD: SecretEntry = {
  name: 'POSTGRES_PASSWORD',
  comment: "Password of the dev StatefulSet's PostgreSQL; the same as in DATABASE_URL",
  devComment: "Password of the dev StatefulSet's PostgreSQL (a random one: openssl rand -hex 24); the same as in DATABASE_URL",
};

/**
 * A generated app's settings per service when its secrets are files (issue 23): the parts of
 * the database URL, never the password, which is a file of the `-files` Secret (SecretFile).
 * They stay in the per-overlay env Secret because their values differ per overlay (the dev
 * StatefulSet's `db`, a managed server in prod) and secret.env is the one per-overlay file the
 * flow already has; none of them is secret.
 */
const FILE_MODE_SERVICE_SETTINGS: Record<ServiceKey, SecretEntry[]> = {
  postgres: [
    { name: 'POSTGRES_HOST', comment: "The database server's host name: <host>", devComment: 'The dev StatefulSet\'s Service: db' },
    { name: 'POSTGRES_PORT', comment: 'Its port: 5432', devComment: 'Its port: 5432' },
    { name: 'POSTGRES_USER', comment: "The app's database user: app", devComment: 'The user the StatefulSet creates: app' },
    { name: 'POSTGRES_DB', comment: "The app's database: app", devComment: 'The database the StatefulSet creates: app' },
  ],
  redis: SERVICE_SECRETS.redis,
};

/**
 * A secret a generated app reads as a file: a key of the Secret `<name>-files`, mounted
 * read-only at /run/secrets/<key> in the app, the migration Job and (dev) PostgreSQL, created
 * from the project's own secret file (`kubectl create secret generic --from-file=KEY=FILE`).
 */
export interface SecretFile {
  key: string;
  /** The file on the machine that deploys, relative to the project (git-ignored, dockerignored). */
  hostFile: string;
  /** Where the containers read it. */
  path: string;
  /** The official image's `*_FILE` variable, for the dev StatefulSet that reads it. */
  fileEnv?: string;
  what: string;
}

/** Where the files of the `-files` Secret are mounted (Compose's folder for its secrets too). */
export const SECRET_FILES_MOUNT = '/run/secrets';

/**
 * The mode of the mounted files: read for the owner (root) and the group, which is the pod's
 * fsGroup (the app's own group, its UID): the non-root app reads them through its group and no
 * other user of the pod can. 0444 would work without an fsGroup but lets every user read.
 */
export const SECRET_FILES_MODE = 0o440;

const SERVICE_SECRET_FILES: Record<ServiceKey, SecretFile[]> = {
  postgres: [
    {
      key: 'postgres_password',
      hostFile: 'secrets/postgres_password',
      path: `${SECRET_FILES_MOUNT}/postgres_password`,
      fileEnv: 'POSTGRES_PASSWORD_FILE',
      what: "the database user's password",
    },
  ],
  redis: [],
};

/**
 * Why an app without PostgreSQL runs one pod and no autoscaler: its items live in the memory of
 * its one server process (memory.ts), so two pods would be two stores behind one Service, ids
 * colliding and reads missing at random. Compose keeps one worker for the same reason.
 */
export const SINGLE_REPLICA_WHY = 'without PostgreSQL the app keeps its data in the memory of its one process: a second pod would be a second, separate store behind the same Service';

/** The overlays a user deploys; each has its own namespace and its own secret file. */
export type Overlay = 'dev' | 'prod';

/** One command of the documented deploy flow, with why it is there. */
export interface DeployStep {
  command: string;
  comment?: string;
  /** As a line of a sh code block: the command, then its comment. */
  line: string;
}

/**
 * THE deploy flow of an overlay, written once here and printed by deploy/kubernetes/README.md
 * and add kubernetes's next steps (the overlays' headers point to the README):
 *  - once: the namespace, the git-ignored secret file copied from its example, the Secret;
 *  - each release: with migrations, the old Job deleted (a Job's pod template cannot change,
 *    so each release runs a new one), everything but the app's code applied (the ConfigMap,
 *    the Job, the dev overlay's databases: `!=` also selects objects without the label, so
 *    nothing the Job reads is left out), the Job waited for, then the code (codeComponents:
 *    the web tier, and the worker and beat where there are); without migrations, one apply.
 *    Then the rollout is waited for.
 */
export interface DeployFlow {
  overlay: Overlay;
  dir: string;
  namespace: string;
  /** The file the user fills in (git-ignored: deploy/kubernetes/.gitignore). */
  secretFile: string;
  secretExample: string;
  /**
   * Where each file of the `-files` Secret comes from: in dev the project's own (the one
   * Compose mounts), in prod a file of the overlay's own, which the user makes with the managed
   * service's value. One file for both would put the managed password in the local stack (and
   * lock the local database, made with the old one, out of it).
   */
  secretFileSources: { key: string; file: string }[];
  once: DeployStep[];
  release: DeployStep[];
}

/** The name of the file each overlay's Secret is made from, beside the overlay (git-ignored). */
export const SECRET_FILE_NAME = 'secret.env';

/** The prod overlay's folder of the files its `-files` Secret is made from (git-ignored, as every secrets/ is). */
export const PROD_SECRETS_FOLDER = 'secrets';

/** The label the flow splits on: the web tier (component web) goes after the migration. */
export const WEB_SELECTOR = 'app.kubernetes.io/component=web';

/**
 * The components whose pods run the app's code, started only once the release's migration has
 * run: the web tier, and the Celery worker and beat where the project has them (their
 * Deployments carry their Compose service's name). New code on the old schema fails its tasks.
 */
export function codeComponents(worker: BackgroundWorker | undefined): string[] {
  return ['web', ...(worker ? ['worker'] : []), ...(worker?.beat ? ['beat'] : [])];
}

export function deployFlow(facts: Pick<KubernetesFacts, 'name' | 'image' | 'registryImage' | 'migrations'> & { secretFiles?: SecretFile[]; components?: string[] }, overlay: Overlay): DeployFlow {
  const dir = `${KUBERNETES_DIR}/overlays/${overlay}`;
  const namespace = overlay === 'prod' ? facts.name : `${facts.name}-dev`;
  const secretFile = `${dir}/${SECRET_FILE_NAME}`;
  const secretExample = overlay === 'prod' ? `${KUBERNETES_DIR}/base/secret.example` : `${dir}/secret.example`;
  const secretFileSources = (facts.secretFiles ?? []).map((f) => ({ key: f.key, file: overlay === 'prod' ? `${dir}/${PROD_SECRETS_FOLDER}/${f.key}` : f.hostFile }));
  const ns = `kubectl -n ${namespace}`;
  const job = `${facts.name}-migrate`;
  const image =
    overlay === 'prod'
      ? [
          step(`docker build -t ${facts.registryImage}:0.1.0 . && docker push ${facts.registryImage}:0.1.0`, 'your release tag'),
          step(`cd ${dir} && kustomize edit set image ${facts.image}=${facts.registryImage}@sha256:<digest> && cd -`, 'the digest docker push printed'),
        ]
      : [
          step(`docker build -t ${facts.image}:dev .`),
          step(`kind load docker-image ${facts.image}:dev`, 'or minikube image load'),
        ];
  // Without a worker the web tier is the code, as before; with one, everything but the Job
  // goes second (what was applied first is applied again, unchanged).
  const components = facts.components ?? ['web'];
  const first = components.map((c) => `app.kubernetes.io/component!=${c}`).join(',');
  const then = components.length === 1 ? WEB_SELECTOR : `'app.kubernetes.io/component!=migration'`;
  const apply = facts.migrations
    ? [
        step(`${ns} delete job ${job} --ignore-not-found`, "a Job's pod template cannot change: each release runs a new one"),
        step(`kubectl apply -k ${dir} -l '${first}'`, 'settings (ConfigMap), migration Job' + (overlay === 'dev' ? ', databases' : '')),
        step(`${ns} wait --for=condition=complete --timeout=10m job/${job}`, 'the migration succeeded'),
        step(`kubectl apply -k ${dir} -l ${then}`, components.length === 1 ? 'then the app' : `then the app's code: ${components.join(', ')}`),
      ]
    : [step(`kubectl apply -k ${dir}`)];
  return {
    overlay,
    dir,
    namespace,
    secretFile,
    secretExample,
    secretFileSources,
    once: [
      step(`kubectl create namespace ${namespace}`),
      step(`[ -e ${secretFile} ] || cp ${secretExample} ${secretFile}`, 'git-ignored, never replaced: fill in the values'),
      step(`${ns} create secret generic ${facts.name} --from-env-file=${secretFile}`),
      // The files the app reads under /run/secrets: from the project's own secret files (the
      // one create made for Compose, or the managed database's password put there).
      ...(secretFileSources.length > 0
        ? [
            step(
              `${ns} create secret generic ${facts.name}-files ${secretFileSources.map((f) => `--from-file=${f.key}=${f.file}`).join(' ')}`,
              overlay === 'prod' ? "each file yours, with the managed service's value" : 'the files Compose uses too',
            ),
          ]
        : []),
    ],
    release: [...image, ...apply, step(`${ns} rollout status deployment/${facts.name}`)],
  };
}

function step(command: string, comment?: string): DeployStep {
  return { command, ...(comment ? { comment } : {}), line: comment ? `${command}    # ${comment}` : command };
}

// The server a container runs: the same for every deployment target (types.ts).
export type { ServerKind } from '../types.js';

/**
 * What the manifests are built from (what every target's files are built from, DeployInput);
 * `kubernetesFacts` turns it into what templates print. `name` names the resources and the
 * `app.kubernetes.io/name` label; each overlay's `images:` sets the image's registry, tag or digest.
 */
export interface KubernetesInput extends DeployInput {
  /**
   * The app reads its secrets as files under /run/secrets (a generated app: issue 23), so the
   * password is a mounted file, never a variable. Off for `add kubernetes`'s existing app, which
   * reads what it reads (its DATABASE_URL).
   */
  secretsAsFiles?: boolean;
}

/** Everything the templates of the kubernetes layers print. */
export interface KubernetesFacts extends KubernetesInput {
  dir: string;
  /** The image with a registry, for the prod overlay: the image name as it is when it has one. */
  registryImage: string;
  writable: WritablePath[];
  config: ConfigEntry[];
  secrets: SecretEntry[];
  /** The Secret's keys in the dev overlay: the app's plus the dev StatefulSets' own. */
  devSecrets: SecretEntry[];
  devServices: DevStatefulSet[];
  /** The secrets mounted as files (secretsAsFiles), and the Secret that holds them. */
  secretFiles: SecretFile[];
  /** The components whose Deployments start only after the release's migration (codeComponents). */
  codeComponents: string[];
  secretFilesName: string;
  secretFilesMount: string;
  secretFilesMode: string;
  /** One pod, no autoscaler (SINGLE_REPLICA_WHY): the app keeps its data in process memory. */
  singleReplica: boolean;
  /** The migration Job waits for PostgreSQL in an init container (the dev overlay starts both at once). */
  waitForDatabase: boolean;
  deploy: Record<Overlay, DeployFlow>;
  singleReplicaWhy: string;
  resources: typeof APP_RESOURCES;
  gracePeriodSeconds: number;
  gracefulTimeoutSeconds: number;
  preStopSleepSeconds: number;
}

export function kubernetesFacts(input: KubernetesInput): KubernetesFacts {
  // An unknown server gets every path either server may write.
  const writable = input.server === 'unknown' ? writablePaths('gunicorn') : writablePaths(input.server);
  const secrets = input.services.flatMap((key) => (input.secretsAsFiles ? FILE_MODE_SERVICE_SETTINGS : SERVICE_SECRETS)[key]);
  const secretFiles = input.secretsAsFiles ? input.services.flatMap((key) => SERVICE_SECRET_FILES[key]) : [];
  const devServices = devStatefulSets(input.services);
  const name = resourceName(input.name);
  const registryImage = hasRegistry(input.image) ? input.image : `registry.example.com/${input.image}`;
  const components = codeComponents(input.worker);
  const flowOf = (overlay: Overlay) => deployFlow({ name, image: input.image, registryImage, migrations: input.migrations, secretFiles, components }, overlay);
  return {
    ...input,
    name,
    dir: KUBERNETES_DIR,
    registryImage,
    singleReplica: !input.services.includes('postgres'),
    waitForDatabase: input.migrations !== undefined && input.services.includes('postgres'),
    deploy: { prod: flowOf('prod'), dev: flowOf('dev') },
    singleReplicaWhy: SINGLE_REPLICA_WHY,
    writable,
    config: [
      input.services.includes('postgres')
        ? {
            name: 'WEB_CONCURRENCY',
            value: String(input.server === 'unknown' ? 1 : webConcurrency(input.server)),
            comment: 'Worker processes per pod; more load means more pods (the HorizontalPodAutoscaler), not more workers',
          }
        : {
            // Each worker process would be a store of its own, as each pod would.
            name: 'WEB_CONCURRENCY',
            value: '1',
            comment: 'One worker process in one pod: without PostgreSQL the data lives in that process',
          },
      {
        name: 'FORWARDED_ALLOW_IPS',
        value: '127.0.0.1',
        comment: "Proxies whose X-Forwarded-* headers are trusted: add your ingress controller's pod network",
      },
      {
        // An app served without our gunicorn.conf.py: gunicorn 25.1+ opens its control socket
        // under $HOME, and logs an error on a read-only one (found running add kubernetes's
        // fixture as its Deployment constrains it).
        name: 'HOME',
        value: '/tmp',
        comment: 'The root filesystem is read-only: what a program keeps in $HOME (gunicorn 25.1+ its control socket) goes to the /tmp emptyDir',
      },
    ],
    secrets,
    // The dev StatefulSet reads the password from the file Secret when there is one.
    devSecrets: input.services.includes('postgres') && !input.secretsAsFiles ? [...secrets, DEV_POSTGRES_PASSWORD] : secrets,
    secretFiles,
    codeComponents: components,
    secretFilesName: `${name}-files`,
    secretFilesMount: SECRET_FILES_MOUNT,
    secretFilesMode: `0${SECRET_FILES_MODE.toString(8)}`,
    devServices,
    resources: APP_RESOURCES,
    gracePeriodSeconds: TERMINATION_GRACE_PERIOD_SECONDS,
    gracefulTimeoutSeconds: SERVER_GRACEFUL_TIMEOUT_SECONDS,
    preStopSleepSeconds: PRE_STOP_SLEEP_SECONDS,
  };
}

/** `ghcr.io/acme/shop`, `localhost:5000/shop`: the first component names a registry host. */
function hasRegistry(image: string): boolean {
  const first = image.split('/')[0]!;
  return image.includes('/') && (/[.:]/.test(first) || first === 'localhost');
}

/**
 * A project name as a Kubernetes resource name and label value (DNS-1035: lower-case letters,
 * digits and '-'), short enough for the longest suffix we add (`-migrate`) within 63.
 */
export function resourceName(projectName: string): string {
  const name = projectName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 50).replace(/-+$/, '');
  return name === '' ? 'app' : name;
}

/** The layers a project with Kubernetes manifests renders. */
export function kubernetesLayers(facts: Pick<KubernetesFacts, 'migrations' | 'devServices' | 'singleReplica'>): string[] {
  return [
    KUBERNETES_LAYER,
    ...(facts.singleReplica ? [] : [AUTOSCALING_LAYER]),
    ...(facts.devServices.length > 0 ? [DEV_SERVICES_LAYER] : []),
    ...(facts.migrations ? [MIGRATIONS_LAYER] : []),
  ];
}

/**
 * `--deploy kubernetes`: deploy/kubernetes/, its facts as the render context's `kubernetes`,
 * and the layers those facts pick (kubernetesLayers). The generated app reads its secrets from
 * /run/secrets (issue 23), so they are mounted as files; `add kubernetes` decides that from
 * what it finds in the repository instead.
 */
export const kubernetesFeature: Feature<KubernetesFacts, 'kubernetes'> = {
  layer: KUBERNETES_LAYER,
  chosen: ({ options }) => options.deploy.includes('kubernetes'),
  contextKey: 'kubernetes',
  data: ({ deploy }) => kubernetesFacts({ ...deploy, secretsAsFiles: true }),
  layers: kubernetesLayers,
};
