export const DEFAULT_CONFIG = '/etc/capacity-exporter/config.json';

export const USAGE = `usage: capacity-exporter [--config FILE] [--web.config.file FILE] [--port N] [--log-level L] [--log-format F]
       capacity-exporter once [--config FILE] [--target KIND/NAME]... [--format prom|table] [--log-level L]
       capacity-exporter --check-config | --example-config | --version | --help

Runs the exporter: collects every configured target in the background and serves /metrics.

  --config FILE           config file (default: $CAPACITY_EXPORTER_CONFIG, else ${DEFAULT_CONFIG})
  --web.config.file FILE  TLS, client certificates and bcrypt basic auth for the exporter's own
                          endpoint, in the Prometheus exporter-toolkit format (YAML)
  --check-config          validate the config (and the web config), print every problem, exit 0 if valid, 2 if not
  --port N                listen port (overrides server.port and $CAPACITY_EXPORTER_PORT)
  --log-level L           fatal, error, warn, info, debug, trace or silent
  --log-format F          json, pretty or auto
  --example-config        print a config with every key, its default and its description
  --version               print the version
  -h, --help              print this help

Signals: SIGHUP reloads the config (as POST /-/reload does); SIGTERM and SIGINT stop.

once: runs one cycle of every target (or of each --target), prints the exposition
(--format prom, the default) or a table of target, result, duration, series and
errors (--format table), and exits 0 only if every target succeeded: for checking
credentials and for cron. Logs go to stderr (level warn unless --log-level).
`;

export const DEMO_USAGE = `usage: node dist/demo.js [--host H] [--port N] [--seed N] [--log-level L]
                        [--latency-ms N] [--error-rate R] [--too-many-rate R] [--retry-after-seconds N]

Starts a simulator of every upstream on a loopback port and the exporter scraping them.

  --host H                 listen address of the exporter (default 127.0.0.1)
  --port N                 listen port (default $CAPACITY_EXPORTER_PORT, else an ephemeral port)
  --seed N                 seed of the simulated worlds (default 42)
  --log-level L            fatal, error, warn, info, debug, trace or silent (default info)
  --latency-ms N           time each simulator takes to answer
  --error-rate R           share of upstream requests answered 500 (0 to 1)
  --too-many-rate R        share answered 429 with Retry-After
  --retry-after-seconds N  the Retry-After of those 429s (default 1)
  -h, --help               print this help
`;
