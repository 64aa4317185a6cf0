using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vinculo.Faults;

/// <summary>
/// A throwaway PostgreSQL cluster the harness owns (initdb in a folder of its own, a free loopback port), so it may stop and
/// restart it at will. As root, it runs as the <c>postgres</c> user (initdb refuses root), as scripts/test.sh does.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string bin;
    private readonly string folder;

    private PostgresCluster(string bin, string folder, int port)
    {
        this.bin = bin;
        this.folder = folder;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database};Timeout=5;Command Timeout=30";

    public static async Task<PostgresCluster> StartAsync(string? binFolder)
    {
        var bin = binFolder ?? FindBin() ?? throw new InvalidOperationException("PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin); give --pg-bin.");
        var folder = Directory.CreateTempSubdirectory("vinculo-faults-pg.").FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0x1ED); // 755
        if (IsRoot)
        {
            await RunAsync("chown", ["postgres:", folder]);
        }

        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var cluster = new PostgresCluster(bin, folder, port);
            await cluster.AsPostgresAsync("initdb", ["-D", cluster.Data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
            await cluster.StartServerAsync();
            return cluster;
        }
    }

    private string Data => Path.Combine(folder, "data");

    /// <summary>Stops the server (fast: sessions are ended, as in a real restart) and starts it again.</summary>
    public async Task RestartAsync(TimeSpan down)
    {
        await AsPostgresAsync("pg_ctl", ["-D", Data, "-m", "fast", "-w", "-t", "60", "stop"]);
        await Task.Delay(down);
        await StartServerAsync();
    }

    public Task StopAsync() => AsPostgresAsync("pg_ctl", ["-D", Data, "-m", "fast", "-w", "-t", "60", "stop"]);

    public Task StartServerAsync() => AsPostgresAsync("pg_ctl", [
        "-D", Data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
        "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400",
        "start"]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsPostgresAsync("pg_ctl", ["-D", Data, "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(folder, recursive: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderBy(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : new Version(0, 0))
                .LastOrDefault()
            : null;

    private Task AsPostgresAsync(string tool, string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. arguments]) : RunAsync(Path.Combine(bin, tool), arguments);

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}
