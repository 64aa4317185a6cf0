// The harness drives Unix processes and signals (SIGKILL, SIGSTOP, SIGCONT) and a PostgreSQL cluster through pg_ctl.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
