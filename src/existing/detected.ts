// What detection finds in an existing repository (detect.ts for `add docker`, deployment.ts for
// `add kubernetes`): the facts the option table's detections read. Types only, in a module of
// their own: the table names them without importing detection, which reads the features that
// the table's rows are made from.

import type { InstallFrom } from '../features/package-managers.js';
import type { ServerKind } from '../features/kubernetes/index.js';
import type { BackgroundWorker } from '../features/types.js';
import type { Framework, PythonVersion, ServiceKey } from '../options/values.js';
import type { GitRequirement } from './git-requirements.js';
import type { PythonConstraint } from './python-version.js';
import type { RequirementsInstall } from './requirements.js';

/** A lock file of a tool the image does not run (PDM's). */
export interface UnusedLock {
  lock: string;
  tool: string;
  /** Its tool's command that writes a requirements.txt from it. */
  exportCommand: string;
}

export interface Detected {
  framework?: Framework;
  /** `module:attr` or `module:factory()`. */
  target?: string;
  port?: number;
  python?: PythonVersion;
  /** What the repository says about its Python (requires-python, .python-version, ...). */
  pythonConstraints: PythonConstraint[];
  /** Set when no Python we offer fits those constraints: add docker refuses, saying this. */
  pythonProblem?: string;
  /** Each service, by whether one of its drivers is among the declared dependencies. */
  uses: Record<ServiceKey, boolean>;
  /** The file the dependencies were read from, relative to the repo ('requirements.txt'...). */
  dependencyFiles: string[];
  /** Normalised names of every declared dependency. */
  dependencies: Set<string>;
  hasRequirementsTxt: boolean;
  /**
   * What the image installs: a lock file with its manifest (uv.lock or poetry.lock beside
   * pyproject.toml, Pipfile.lock beside a Pipfile), else requirements.txt when there is one,
   * else pyproject.toml when it declares PEP 621 `[project].dependencies`, else
   * requirements.txt (which must be exported).
   */
  installFrom: InstallFrom;
  /** Every file the image's install step needs: the lock and its manifest, or requirements.txt and the files it includes (-r, -c). */
  installFiles: string[];
  /**
   * Folders of the app's code named `secrets` (below the root: the root's secrets/ is where the
   * password goes), which .dockerignore's `**\/secrets/` would leave out of the image.
   */
  codeInSecretsFolders: string[];
  /** Lock files there whose tool the image does not run: the image installs without them. */
  unusedLocks: UnusedLock[];
  /** The app each framework would serve, where the code has exactly one best for it (`--framework` picks). */
  appFor: Partial<Record<Framework, string>>;
  /** requirements.txt lines the image cannot install before the code is copied (`-e .`, local paths). */
  unsupportedRequirements: RequirementsInstall['unsupported'];
  /** Dependencies fetched with git: built in a stage that has git; `why` set on those that cannot be. */
  gitRequirements: GitRequirement[];
  /** Why the uv workspace cannot be synced in the image's dependency layer (add docker refuses). */
  workspaceProblem?: string;
  /** A `/health` route appears in the code. */
  hasHealthRoute: boolean;
  /** Top-level directories and modules holding Python code. */
  sourceRoots: string[];
  /**
   * 'src' for a src layout: a top-level src/ without __init__.py holding the packages, which
   * are imported by their own names (`shop.main`), never through an implicit `src` namespace
   * package; app targets are relative to it. Undefined: modules are imported from the root.
   */
  importRoot?: string;
  /** Why each value was chosen, for the report. */
  notes: string[];
  /** Several equally likely app targets (none chosen). */
  targetCandidates: string[];
  /** Flask and FastAPI both found and the code does not settle which the app is: says what was found. */
  frameworkConflict?: string;
  /** A web framework we recognise but do not support, when there is neither Flask nor FastAPI. */
  unsupportedFramework?: { label: string; where: string };
  /** Legacy Compose files (docker-compose.yml) that our compose.yaml would shadow. */
  legacyComposeFiles: string[];
  /** How the built image runs, for `add kubernetes` (existing/deployment.ts); absent for add docker. */
  deployment?: DeploymentDetected;
}

export interface DeploymentDetected {
  /** Resource names: the answers file's project name, else the directory's. */
  name: string;
  /** compose.yaml's app image without its tag, else the name. */
  image: string;
  port?: number;
  /** The Dockerfile's EXPOSE when it names no port number (`${PORT}/tcp`): said when --port is asked for. */
  unreadableExpose?: string;
  uid?: number;
  healthPath?: string;
  /** A project we generated answers GET /ready (database and Redis checked); another app: its health path. */
  readyPath?: string;
  server: ServerKind;
  /** The image's CMD in exec form, when the Dockerfile has one and no ENTRYPOINT (Cloud Run and ACI give it again). */
  command?: string[];
  migrations?: boolean;
  postgres?: boolean;
  /**
   * compose.yaml gives the app its database password as the secret file postgres_password (a
   * project generated since issue 23): the manifests mount it the same way.
   */
  secretsAsFiles?: boolean;
  redis?: boolean;
  /** Our answers file records a Celery worker (and its beat): the targets that do not run it say so. */
  worker?: BackgroundWorker;
  /** The repository has a Dockerfile (the manifests run its image). */
  hasDockerfile: boolean;
  notes: string[];
  warnings: string[];
}
