import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The Debian bookworm packages the harness runs (no service package: the
 * `keystone`, `gnocchi-api` and `gnocchi-metricd` packages only add init
 * scripts, debconf questions and dbconfig-common, which the harness does not
 * want). `postgresql` brings initdb and postgres; in a container without
 * systemd its postinst would start the `main` cluster on port 5432 unless
 * /usr/sbin/policy-rc.d says 101 (Debian's Docker images ship one).
 */
const DEBIAN_PACKAGES = ['python3-keystone', 'python3-gnocchi', 'uwsgi-core', 'uwsgi-plugin-python3', 'postgresql'] as const;

const APT_COMMAND = `DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${DEBIAN_PACKAGES.join(' ')}`;

export interface Binaries {
  initdb: string;
  postgres: string;
  keystoneManage: string;
  /** The interpreter of keystone-manage (its #! line). */
  python: string;
  keystoneWsgiPublic: string;
  gnocchiUpgrade: string;
  gnocchiMetricd: string;
  uwsgi: string;
  setpriv: string;
}

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next
    }
  }
  return undefined;
}

/** The interpreter named by a script's `#!` line, if it exists. */
function shebang(script: string): string | undefined {
  const first = readFileSync(script, 'utf8').split('\n', 1)[0] ?? '';
  const interpreter = /^#!\s*(\S+)/.exec(first)?.[1];
  return interpreter && existsSync(interpreter) ? interpreter : undefined;
}

/** The newest PostgreSQL server installed (Debian keeps each major in /usr/lib/postgresql/<major>/bin). */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  const [newest] = majors;
  return newest ? join(root, newest, 'bin') : undefined;
}

/**
 * Finds every program the harness needs, or throws one error naming all that
 * are missing and the apt-get line that installs them (tests must fail, not skip).
 */
export function findBinaries(): Binaries {
  const missing: string[] = [];
  const need = (what: string, path: string | undefined, pkg: string): string => {
    if (!path) missing.push(`${what} (${pkg})`);
    return path ?? '';
  };
  const pg = postgresBin();
  const keystoneManage = which('keystone-manage');
  const bins: Binaries = {
    initdb: need('initdb', pg && join(pg, 'initdb'), 'postgresql'),
    postgres: need('postgres', pg && join(pg, 'postgres'), 'postgresql'),
    keystoneManage: need('keystone-manage', keystoneManage, 'python3-keystone'),
    python: keystoneManage ? need('python3 (the #! interpreter of keystone-manage)', shebang(keystoneManage), 'python3') : '',
    keystoneWsgiPublic: need('keystone-wsgi-public', which('keystone-wsgi-public'), 'python3-keystone'),
    gnocchiUpgrade: need('gnocchi-upgrade', which('gnocchi-upgrade'), 'python3-gnocchi'),
    gnocchiMetricd: need('gnocchi-metricd', which('gnocchi-metricd'), 'python3-gnocchi'),
    uwsgi: need('uwsgi-core', which('uwsgi-core'), 'uwsgi-core'),
    setpriv: need('setpriv', which('setpriv'), 'util-linux'),
  };
  if (!existsSync('/usr/lib/uwsgi/plugins/python3_plugin.so')) missing.push('the uWSGI python3 plugin (uwsgi-plugin-python3)');
  if (missing.length) {
    throw new Error(
      `The OpenStack test harness needs Debian packages that are not installed: missing ${missing.join(', ')}.\n` +
        `Install them (as root, Debian bookworm) with:\n  ${APT_COMMAND}`,
    );
  }
  return bins;
}
