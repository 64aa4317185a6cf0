using System.Diagnostics;
using Dapper;
using Vinculo.Engines;

namespace Vinculo.Hosting;

/// <summary>The failpoints of <c>VINCULO_FAILPOINTS</c>: how a spec is read, and what <c>kill</c> does to a real worker process.</summary>
public sealed class FailpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>The worker's database under the data folder the test gives it.</summary>
    private const string FaultsDatabase = "Data Source=data/faults.db";

    [Fact]
    public void Load_ReadsEveryAction_WithAnOptionalHitNumber()
    {
        var points = Failpoints.Load("dispatch.after_claim=kill; inbound.before_commit=throw@2;phones.after_write=pause:1.5s@3", out var problem);

        Assert.Null(problem);
        Assert.NotNull(points);
        Assert.Equal(("kill", 0), (points["dispatch.after_claim"].Action, points["dispatch.after_claim"].At));
        Assert.Equal(("throw", 2), (points["inbound.before_commit"].Action, points["inbound.before_commit"].At));
        Assert.Equal(("pause", 3, TimeSpan.FromMilliseconds(1500)), (points["phones.after_write"].Action, points["phones.after_write"].At, points["phones.after_write"].Pause));
    }

    [Theory]
    [InlineData("dispatch.after_clam=kill", "dispatch.after_clam")]
    [InlineData("dispatch.after_claim", "dispatch.after_claim")]
    [InlineData("dispatch.after_claim=explode", "kill, throw, transient ou pause")]
    [InlineData("dispatch.after_claim=kill@0", "kill, throw, transient ou pause")]
    [InlineData("dispatch.after_claim=pause:soon", "kill, throw, transient ou pause")]
    public void Load_RefusesWhatItCannotRead_NamingIt(string spec, string named)
    {
        Assert.Null(Failpoints.Load(spec, out var problem));
        Assert.Contains(named, problem, StringComparison.Ordinal);
        Assert.StartsWith(Failpoints.Variable, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OfNothing_IsInert()
    {
        Assert.Null(Failpoints.Load(null, out var problem));
        Assert.Null(problem);
        Assert.Null(Failpoints.Load("  ", out problem));
        Assert.Null(problem);
    }

    [SkippableFact]
    public async Task Kill_EndsTheProcessAtOnce_AndTheNextRunClosesTheRunItLeftRunning()
    {
        Skip.If(OperatingSystem.IsWindows(), "Exit code 137 is SIGKILL's on Unix.");
        var root = Directory.CreateTempSubdirectory("vinculo-failpoint-").FullName;
        try
        {
            var killed = await RunAsync(root, "job.after_start=kill");
            Assert.True(killed.ExitCode == 137, $"exit code {killed.ExitCode}:\n{killed.Log}");
            Assert.Contains("failpoint job.after_start: kill", killed.Log, StringComparison.Ordinal);
            Assert.Equal(["running"], await RunStatusesAsync(root));

            var next = await RunAsync(root, null);
            Assert.True(next.ExitCode == 0, $"exit code {next.ExitCode}:\n{next.Log}");
            Assert.Equal(["failed", "succeeded"], await RunStatusesAsync(root));

            var refused = await RunAsync(root, "job.after_start=explode");
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("VINCULO_FAILPOINTS", refused.Log, StringComparison.Ordinal);
        }
        finally
        {
            TestDatabase.ReleaseEmbeddedFiles();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<List<string>> RunStatusesAsync(string root)
    {
        // The worker runs on the default engine (no Database:Provider is set), at the connection string RunAsync gives it.
        await using var db = TestDatabase.OnDefaultEngine(FaultsDatabase, root);
        await using var connection = await db.OpenAsync();
        return [.. await connection.QueryAsync<string>("SELECT status FROM job_runs WHERE job_key = 'expire-consents' ORDER BY run_id")];
    }

    /// <summary>The real worker binary running <c>run expire-consents</c> on a SQLite file under <paramref name="root"/>.</summary>
    private static async Task<(int ExitCode, string Log)> RunAsync(string root, string? failpoints)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "vinculo.dll"), "run", "expire-consents", "--data", root })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("VINCULO_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["VINCULO_Database__ConnectionString"] = FaultsDatabase;
        if (failpoints is not null)
        {
            start.Environment[Failpoints.Variable] = failpoints;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Patience);
        return (process.ExitCode, await output + await error);
    }
}
