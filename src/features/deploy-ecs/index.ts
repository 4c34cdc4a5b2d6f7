// ECS on Fargate (`--deploy ecs`, `add deploy ecs`): deploy/ecs/ holds the task definition, the
// service definition and, with migrations, the one-off migration task, each the JSON input of
// one AWS CLI call (`aws ecs register-task-definition|create-service|run-task --cli-input-json`),
// and a README with the commands from an empty account. The objects are built here, typed by
// what the ECS API takes, and the templates print them as JSON: the same guarantees as the
// Kubernetes Deployment (src/features/kubernetes/index.ts), in the ECS API's words:
//  - the image unchanged, named in one place (the task definition's `${IMAGE}`, set per release);
//  - the image's non-root UID as `user`, `readonlyRootFilesystem`, every capability dropped,
//    and a task volume (Fargate's ephemeral storage) for each path the server writes;
//  - the container health check on the health path (no I/O); the load balancer's target group
//    checks the readiness path (the README creates it so): ECS itself has one health check;
//  - `stopTimeout` (Fargate allows at most 120 s) above the server's graceful 30 s;
//  - cpu and memory sized for the server's workers (Fargate's fixed pairs);
//  - the most tasks a deployment can run at once within PostgreSQL's connection budget;
//  - PostgreSQL and Redis from RDS and ElastiCache; the database password from Secrets Manager
//    (`secrets` with `valueFrom`: the secret RDS manages), never a literal. Fargate gives
//    secrets to a container only as environment variables (no files), so the app reads
//    POSTGRES_PASSWORD from its environment, as the secrets convention allows where a platform
//    can only inject variables.
// Account-specific values are `${NAME}` placeholders that the README's `envsubst` fills in.

import { RUNTIME_LIMITS } from '../runtime-limits.js';
import { SERVER_GRACEFUL_TIMEOUT_SECONDS, SINGLE_REPLICA_WHY, writablePaths, type ServerKind } from '../kubernetes/index.js';
import { undeployedWorkerWarnings } from '../managed-platforms.js';
import type { DeployInput, DeployTargetFeature } from '../types.js';

export const ECS_DIR = 'deploy/ecs';
export const ECS_LAYER = 'deploy-ecs';
export const ECS_MIGRATIONS_LAYER = 'deploy-ecs-migrations';

/** The container's name in the task definition, the service's load balancer and the migration's override. */
export const CONTAINER_NAME = 'app';

/** Fargate's upper limit for stopTimeout (the ECS API reference: 120 seconds on Fargate). */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;
/** SIGTERM, then this long for the server's graceful stop (30 s) before SIGKILL. */
export const STOP_TIMEOUT_SECONDS = SERVER_GRACEFUL_TIMEOUT_SECONDS + 15;

/**
 * PostgreSQL's connection budget (tests/fast/capacity.test.ts holds Kubernetes and Compose to
 * the same): max_connections 100 by default, less the 3 reserved for superusers, less the
 * migration task's one connection.
 */
export const POSTGRES_CONNECTIONS = 100 - 3;
const MIGRATION_CONNECTIONS = 1;

/** During a deployment ECS may run this percentage of the desired count (old and new tasks). */
const MAXIMUM_PERCENT = 200;
const DESIRED_COUNT = 2;

/** A placeholder the README fills in with envsubst, and what it holds. */
export interface EcsVariable {
  name: string;
  what: string;
}

/** Fargate's task sizes we use: cpu units and MiB, one of its valid pairs. */
export interface TaskSize {
  cpu: string;
  memory: string;
}

/** What the ECS files print: the image and how it runs (DeployInput's), and what Fargate adds. */
export interface EcsFacts extends Pick<DeployInput, 'name' | 'image' | 'port' | 'uid' | 'healthPath' | 'readyPath' | 'server' | 'worker'> {
  dir: string;
  postgres: boolean;
  redis: boolean;
  migrations: string[] | undefined;
  workers: number;
  size: TaskSize;
  stopTimeout: number;
  gracefulSeconds: number;
  /** One task, never two at once, when the app keeps its data in its process (no PostgreSQL). */
  singleTask: boolean;
  singleTaskWhy: string;
  desiredCount: number;
  /** The most tasks auto scaling may ask for: with a deployment's extra tasks still within the budget. */
  maxTasks: number;
  /** How maxTasks was found, for the README. */
  budget: string;
  /** The paths the server writes, each a task volume. */
  writable: { name: string; mountPath: string }[];
  variables: EcsVariable[];
  taskDefinition: object;
  service: object;
  migrateTask: object | undefined;
}

/** Worker processes per task: more load means more tasks, as with Kubernetes pods. */
function workersFor(server: ServerKind, postgres: boolean): number {
  // Without PostgreSQL each worker would be a store of its own (the in-memory store).
  if (!postgres || server !== 'gunicorn') return 1;
  return 2;
}

/** Fargate's smallest valid pair that fits the workers: 256/512 for one, 512/1024 for two. */
function sizeFor(workers: number): TaskSize {
  return workers <= 1 ? { cpu: '256', memory: '512' } : { cpu: '512', memory: '1024' };
}

const VARIABLES: Record<string, EcsVariable> = {
  AWS_REGION: { name: 'AWS_REGION', what: 'the region, e.g. eu-west-1' },
  AWS_ACCOUNT_ID: { name: 'AWS_ACCOUNT_ID', what: 'your 12-digit account id' },
  IMAGE: { name: 'IMAGE', what: 'the image to run, by digest: <account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:...' },
  SUBNET_1: { name: 'SUBNET_1', what: 'a subnet the tasks run in (the default VPC: one of its public subnets)' },
  SUBNET_2: { name: 'SUBNET_2', what: 'a second subnet, in another availability zone' },
  APP_SECURITY_GROUP: { name: 'APP_SECURITY_GROUP', what: "the tasks' security group id" },
  TARGET_GROUP_ARN: { name: 'TARGET_GROUP_ARN', what: "the load balancer target group's ARN" },
  DB_HOST: { name: 'DB_HOST', what: "the RDS instance's endpoint address" },
  DB_SECRET_ARN: { name: 'DB_SECRET_ARN', what: 'the ARN of the secret RDS manages for the master user' },
  REDIS_HOST: { name: 'REDIS_HOST', what: "the ElastiCache cluster's node address" },
};

export function ecsFacts(input: DeployInput): EcsFacts {
  const postgres = input.services.includes('postgres');
  const redis = input.services.includes('redis');
  const name = ecsName(input.name);
  const workers = workersFor(input.server, postgres);
  const size = sizeFor(workers);
  const perWorker = RUNTIME_LIMITS.database.poolSize + RUNTIME_LIMITS.database.maxOverflow;
  const perTask = workers * perWorker;
  // A deployment runs up to MAXIMUM_PERCENT of the desired count: the scaling maximum leaves room for it.
  const budgetTasks = Math.floor((POSTGRES_CONNECTIONS - MIGRATION_CONNECTIONS) / perTask);
  const maxTasks = postgres ? Math.floor((budgetTasks * 100) / MAXIMUM_PERCENT) : 1;
  const singleTask = !postgres;
  const desiredCount = singleTask ? 1 : Math.min(DESIRED_COUNT, maxTasks);
  const budget = postgres
    ? `${maxTasks} tasks x ${MAXIMUM_PERCENT} % during a deployment x ${workers} worker(s) x ${perWorker} connections (DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW) + ${MIGRATION_CONNECTIONS} migration = ${maxTasks * (MAXIMUM_PERCENT / 100) * perTask + MIGRATION_CONNECTIONS} of PostgreSQL's ${POSTGRES_CONNECTIONS} (max_connections 100 less 3 reserved)`
    : '';
  // /tmp, and for gunicorn /dev/shm (its worker_tmp_dir): the local run (tests/stack) showed
  // gunicorn refusing to start where the runtime gives no /dev/shm, so it is a task volume too.
  const writable = writablePaths(input.server === 'unknown' ? 'gunicorn' : input.server);
  const migrations = input.migrations && postgres ? input.migrations.command : undefined;
  const variables = [
    VARIABLES.AWS_REGION!,
    VARIABLES.AWS_ACCOUNT_ID!,
    VARIABLES.IMAGE!,
    VARIABLES.SUBNET_1!,
    VARIABLES.SUBNET_2!,
    VARIABLES.APP_SECURITY_GROUP!,
    VARIABLES.TARGET_GROUP_ARN!,
    ...(postgres ? [VARIABLES.DB_HOST!, VARIABLES.DB_SECRET_ARN!] : []),
    ...(redis ? [VARIABLES.REDIS_HOST!] : []),
  ];
  const network = {
    awsvpcConfiguration: {
      subnets: ['${SUBNET_1}', '${SUBNET_2}'],
      securityGroups: ['${APP_SECURITY_GROUP}'],
      // The default VPC's public subnets: the tasks pull from ECR without a NAT gateway; the
      // security group lets in only the load balancer.
      assignPublicIp: 'ENABLED',
    },
  };
  const environment = [
    ...(postgres
      ? [
          { name: 'POSTGRES_HOST', value: '${DB_HOST}' },
          { name: 'POSTGRES_PORT', value: '5432' },
          { name: 'POSTGRES_USER', value: 'app' },
          { name: 'POSTGRES_DB', value: 'app' },
        ]
      : []),
    ...(redis ? [{ name: 'REDIS_URL', value: 'redis://${REDIS_HOST}:6379/0' }] : []),
    { name: 'WEB_CONCURRENCY', value: String(workers) },
    // The load balancer is the only proxy in front; its address is not known in advance.
    { name: 'FORWARDED_ALLOW_IPS', value: '*' },
    // The root filesystem is read-only: what a program keeps in $HOME goes to the /tmp volume.
    { name: 'HOME', value: '/tmp' },
  ];
  const healthUrl = `http://127.0.0.1:${input.port}${input.healthPath}`;
  const taskDefinition = {
    family: name,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    cpu: size.cpu,
    memory: size.memory,
    executionRoleArn: `arn:aws:iam::\${AWS_ACCOUNT_ID}:role/${name}-execution`,
    taskRoleArn: `arn:aws:iam::\${AWS_ACCOUNT_ID}:role/${name}-task`,
    containerDefinitions: [
      {
        name: CONTAINER_NAME,
        image: '${IMAGE}',
        essential: true,
        user: String(input.uid),
        readonlyRootFilesystem: true,
        portMappings: [{ name: 'http', containerPort: input.port, protocol: 'tcp', appProtocol: 'http' }],
        environment,
        ...(postgres ? { secrets: [{ name: 'POSTGRES_PASSWORD', valueFrom: '${DB_SECRET_ARN}:password::' }] } : {}),
        mountPoints: writable.map((w) => ({ sourceVolume: w.name, containerPath: w.mountPath, readOnly: false })),
        // No init process: the server is PID 1 and handles SIGTERM itself, as in the Kubernetes
        // pod and under Compose (with an init, uvicorn's re-raised SIGTERM made the exit 143).
        linuxParameters: { capabilities: { drop: ['ALL'] } },
        healthCheck: {
          command: ['CMD', 'python', '-c', `import urllib.request; urllib.request.urlopen('${healthUrl}', timeout=2)`],
          interval: 10,
          timeout: 5,
          retries: 3,
          startPeriod: 30,
        },
        stopTimeout: STOP_TIMEOUT_SECONDS,
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': `/ecs/${name}`, 'awslogs-region': '${AWS_REGION}', 'awslogs-stream-prefix': CONTAINER_NAME, 'awslogs-create-group': 'true' },
        },
      },
    ],
    // A volume without a host is Fargate's ephemeral task storage: writable, gone with the task.
    volumes: writable.map((w) => ({ name: w.name })),
  };
  const service = {
    cluster: name,
    serviceName: name,
    taskDefinition: name,
    desiredCount,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    deploymentConfiguration: singleTask
      ? // One task, never two: the old one stops before the new one starts.
        { maximumPercent: 100, minimumHealthyPercent: 0, deploymentCircuitBreaker: { enable: true, rollback: true } }
      : { maximumPercent: MAXIMUM_PERCENT, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: true } },
    networkConfiguration: network,
    loadBalancers: [{ targetGroupArn: '${TARGET_GROUP_ARN}', containerName: CONTAINER_NAME, containerPort: input.port }],
    healthCheckGracePeriodSeconds: 60,
    enableExecuteCommand: false,
    propagateTags: 'SERVICE',
  };
  const migrateTask = migrations
    ? {
        cluster: name,
        taskDefinition: name,
        launchType: 'FARGATE',
        count: 1,
        startedBy: 'migrate',
        networkConfiguration: network,
        overrides: { containerOverrides: [{ name: CONTAINER_NAME, command: migrations }] },
      }
    : undefined;
  return {
    dir: ECS_DIR,
    name,
    image: input.image,
    port: input.port,
    uid: input.uid,
    healthPath: input.healthPath,
    readyPath: input.readyPath,
    server: input.server,
    ...(input.worker ? { worker: input.worker } : {}),
    postgres,
    redis,
    migrations,
    workers,
    size,
    stopTimeout: STOP_TIMEOUT_SECONDS,
    gracefulSeconds: SERVER_GRACEFUL_TIMEOUT_SECONDS,
    singleTask,
    singleTaskWhy: SINGLE_REPLICA_WHY.replace('a second pod', 'a second task').replace('behind the same Service', 'behind the same load balancer'),
    desiredCount,
    maxTasks,
    budget,
    writable: writable.map((w) => ({ name: w.name, mountPath: w.mountPath })),
    variables,
    taskDefinition,
    service,
    migrateTask,
  };
}

/** A family, service and cluster name: letters, digits, '-' and '_', at most 255 (we keep 50). */
export function ecsName(projectName: string): string {
  const name = projectName.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 50);
  return name === '' ? 'app' : name;
}

export const ecsTarget: DeployTargetFeature<EcsFacts, 'ecs'> = {
  key: 'ecs',
  dir: ECS_DIR,
  layer: ECS_LAYER,
  chosen: ({ options }) => options.deploy.includes('ecs'),
  contextKey: 'ecs',
  label: 'ECS',
  summary: 'a Fargate task definition, a service definition and a one-off migration task (JSON for the AWS CLI), and a README from an empty account to a running service',
  facts: ecsFacts,
  data: ({ deploy }) => ecsFacts(deploy),
  layers: (facts) => [ECS_LAYER, ...(facts.migrations ? [ECS_MIGRATIONS_LAYER] : [])],
  warnings: (facts) => [
    ...(facts.singleTask ? [`ECS: no PostgreSQL, so one task and no auto scaling (${facts.singleTaskWhy})`] : []),
    ...undeployedWorkerWarnings(facts.worker, { label: 'ECS', dir: ECS_DIR }),
  ],
  nextSteps: () => [`# ECS on Fargate: ${ECS_DIR}/README.md, from an empty account to a running service`],
};
