using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Vinculo.Bench;
using Vinculo.Engines;
using static Vinculo.Dispatch.DispatchKit;

namespace Vinculo.Dispatch;

/// <summary>
/// Two dispatchers in two processes on one server database (PostgreSQL, the engine this suite runs on), the real worker binary among them, over ten thousand due
/// messages: every message reaches the loopback Cloud API exactly once, and when the worker process is killed with
/// SIGKILL in the middle of its sends, none is received twice and each of its claimed rows ends <c>sent</c> or
/// <c>failed</c>/<c>interrupted</c>.
/// </summary>
public abstract class DispatchProcessTests(EngineFixture engine) : EngineSuite(engine)
{
    private const int Messages = 10_000;
    private const string ChildToken = "child-process-token";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [SkippableFact]
    public async Task TwoDispatcherProcesses_SendEveryMessageExactlyOnce()
    {
        Skip.If(OperatingSystem.IsWindows(), "Runs the worker binary with dotnet as a Unix process.");
        await using var db = await NewMigratedDatabaseAsync();
        await SeedAsync(db);
        await using var api = await LoopbackCloudApi.StartAsync(delay: TimeSpan.FromMilliseconds(5));

        using var child = StartWorker(db, api);
        var inProcess = DispatchProcess.RunJobDirectlyAsync(db, Now, Settings(api, "node-test"));
        await child.Process.WaitForExitAsync().WaitAsync(Patience);
        await inProcess.WaitAsync(Patience);

        Assert.True(child.Process.ExitCode == 0, $"worker exit code {child.Process.ExitCode}:\n{child.Log}");
        var requests = api.Requests;
        Assert.Equal(Messages, requests.Count);
        Assert.Equal(Messages, requests.Select(r => r.To).Distinct().Count());
        Assert.Contains(requests, r => r.Authorization == "Bearer " + ChildToken);
        Assert.Contains(requests, r => r.Authorization == "Bearer " + Token);
        Assert.Equal(Messages, await CountAsync(db, "SELECT COUNT(*) FROM message_queue WHERE status = 'sent' AND attempts = 1"));
        Assert.Equal(2, await CountAsync(db, "SELECT COUNT(DISTINCT claimed_by) FROM message_queue"));
    }

    [SkippableFact]
    public async Task AWorkerKilledMidBatch_SendsNothingTwice_AndItsClaimedRowsEndSentOrInterrupted()
    {
        Skip.If(OperatingSystem.IsWindows(), "SIGKILL is a Unix signal.");
        await using var db = await NewMigratedDatabaseAsync();
        await SeedAsync(db);
        await using var api = await LoopbackCloudApi.StartAsync(delay: TimeSpan.FromMilliseconds(20));

        using var child = StartWorker(db, api);
        // Let the worker get well into its sends, then kill it as the kernel would: no shutdown, no last write.
        var deadline = Stopwatch.StartNew();
        while (api.Requests.Count(r => r.Authorization == "Bearer " + ChildToken) < 300)
        {
            Assert.False(child.Process.HasExited, "the worker ended before it could be killed:\n" + child.Log);
            Assert.True(deadline.Elapsed < Patience, "the worker sent too little:\n" + child.Log);
            await Task.Delay(20);
        }

        child.Process.Kill();
        await child.Process.WaitForExitAsync().WaitAsync(Patience);
        var sentByChild = api.Requests.Count(r => r.Authorization == "Bearer " + ChildToken);
        await DispatchProcess.RunJobDirectlyAsync(db, Now, Settings(api, "node-test"));
        // Past Dispatch:SendingTimeout, the next run fails what the dead worker left 'sending'.
        await DispatchProcess.RunJobDirectlyAsync(db, Now.AddMinutes(11), Settings(api, "node-test"));

        var requests = api.Requests;
        Assert.Equal(requests.Count, requests.Select(r => r.To).Distinct().Count());
        Assert.Equal(sentByChild, requests.Count(r => r.Authorization == "Bearer " + ChildToken));
        DapperSetup();
        await using var connection = await db.OpenAsync();
        var rows = (await connection.QueryAsync<(string Status, string? Reason, string? ClaimedBy, string Number)>(
            "SELECT status, status_reason, claimed_by, phone_e164 FROM message_queue")).AsList();
        Assert.Equal(Messages, rows.Count);
        Assert.All(rows, r => Assert.True(r.Status == "sent" || (r.Status == "failed" && r.Reason == DispatchReasons.Interrupted), $"{r.Status}/{r.Reason}"));
        Assert.All(rows.Where(r => r.Status == "failed"), r => Assert.Equal("node-child", r.ClaimedBy));
        var received = requests.Select(r => r.To).ToHashSet(StringComparer.Ordinal);
        // Every row recorded sent was received; the rest of what was received is the dead worker's unrecorded sends.
        Assert.All(rows.Where(r => r.Status == "sent"), r => Assert.Contains(r.Number, received));
        Assert.Equal(requests.Count, rows.Count(r => r.Status == "sent") + rows.Count(r => r.Status == "failed" && received.Contains(r.Number)));
        Assert.Contains(rows, r => r.Status == "failed");
    }

    private static string[] Settings(LoopbackCloudApi api, string node) =>
        Cloud(api, $"--Scheduler:InstanceId={node}", "--Dispatch:MaxConcurrency=16", "--Messaging:DailyLimit=1000000");

    /// <summary>Ten thousand people with fresh consent and a message due each, written set-based.</summary>
    private static async Task SeedAsync(TestDatabase db)
    {
        DapperSetup();
        await using var connection = await db.OpenAsync();
        var at = Now.AddDays(-100);
        await connection.ExecuteAsync(
            "INSERT INTO contents (name, body, template_name, template_language, created_at, updated_at) VALUES ('Oferta', @body, 'novidade_produto', 'pt_BR', @at, @at)",
            new { body = Body, at });
        await connection.ExecuteAsync(
            "INSERT INTO contacts (name, phone_raw, phone_e164, phone_hash, phone_status, time_zone, created_at, updated_at) " +
            "SELECT 'Cliente ' || g, n, n, encode(sha256(convert_to(n, 'UTF8')), 'hex'), 'valid', 'America/Sao_Paulo', @at, @at " +
            "FROM generate_series(1, @count) AS g, LATERAL (SELECT '+5511970' || lpad(g::text, 6, '0') AS n) AS x",
            new { count = Messages, at });
        await connection.ExecuteAsync(
            "INSERT INTO consents (contact_id, status, source, granted_at, changed_at) SELECT contact_id, 'granted', 'form', @at, @at FROM contacts", new { at });
        await connection.ExecuteAsync(
            "INSERT INTO message_queue (contact_id, content_id, phone_e164, scheduled_at, relevance, body, template_params, status, created_at, updated_at) " +
            "SELECT contact_id, (SELECT MIN(content_id) FROM contents), phone_e164, @due, 0.5, 'Oi', @params, 'queued', @at, @at FROM contacts",
            new { due = Now.AddMinutes(-1), @params = Params, at });
    }

    private static async Task<long> CountAsync(TestDatabase db, string sql)
    {
        DapperSetup();
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private static void DapperSetup() => Data.DapperSetup.EnsureConfigured();

    /// <summary>The real worker binary running <c>run dispatch-messages</c> against the test's database.</summary>
    private static WorkerProcess StartWorker(TestDatabase db, LoopbackCloudApi api)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = db.ContentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vinculo.dll"));
        foreach (var argument in new[] { "run", "dispatch-messages", "--now", Now.ToString("o", CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("VINCULO_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["VINCULO_Database__Provider"] = db.Provider.ToString();
        start.Environment["VINCULO_Database__ConnectionString"] = db.ConnectionString;
        start.Environment["VINCULO_Scheduler__InstanceId"] = "node-child";
        start.Environment["VINCULO_Dispatch__Sender"] = "WhatsAppCloud";
        start.Environment["VINCULO_Dispatch__BaseUrl"] = api.BaseUrl.ToString().TrimEnd('/');
        start.Environment["VINCULO_Dispatch__PhoneNumberId"] = PhoneNumberId;
        start.Environment["VINCULO_Dispatch__AccessToken"] = ChildToken;
        start.Environment["VINCULO_Dispatch__MessagesPerSecond"] = "1000";
        start.Environment["VINCULO_Dispatch__MaxConcurrency"] = "16";
        start.Environment["VINCULO_Messaging__DailyLimit"] = "1000000";
        return new WorkerProcess(Process.Start(start)!);
    }

    private sealed class WorkerProcess : IDisposable
    {
        private readonly StringBuilder log = new();

        public WorkerProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += Collect;
            process.ErrorDataReceived += Collect;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Log
        {
            get
            {
                lock (log)
                {
                    return log.ToString();
                }
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }

        private void Collect(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }
        }
    }
}

public sealed class PostgresDispatchProcessTests(PostgresEngine engine) : DispatchProcessTests(engine), IClassFixture<PostgresEngine>;
