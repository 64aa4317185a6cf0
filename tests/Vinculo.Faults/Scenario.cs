using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Vinculo.Bench;

namespace Vinculo.Faults;

/// <summary>What happened to the processes of one scenario, for the figures and the checks.</summary>
/// <remarks>Times come from <paramref name="time"/>: the system clock, since the workers it watches are real processes.</remarks>
internal sealed class FaultLog(TimeProvider time)
{
    private readonly ConcurrentQueue<(DateTimeOffset At, string Slot, string What)> faults = new();

    public int HarnessKills;
    public int FailpointKills;
    public int Pauses;
    public int PostgresRestarts;
    public int Outages;
    public int Storms;
    public int Starts;
    public int UnexpectedExits;
    public int StormFailures;
    public int Cycles;
    public ConcurrentDictionary<string, int> FailpointsFired { get; } = new(StringComparer.Ordinal);
    public ConcurrentQueue<string> Problems { get; } = new();

    public int ExitsWhileDatabaseDown;

    /// <summary>Seconds from the database's return after each outage until what was waiting at that moment was done.</summary>
    public ConcurrentQueue<double> Recoveries { get; } = new();

    public int Kills => HarnessKills + FailpointKills;

    /// <summary>Whether PostgreSQL is out now (an outage in progress).</summary>
    public volatile bool DatabaseDown;

    /// <summary>Whether PostgreSQL restarted or was out between <paramref name="since"/> and now.</summary>
    public bool DatabaseDownSince(DateTimeOffset since) => DatabaseDown || faults.Any(f => f.Slot == "*" && f.At >= since.AddSeconds(-5));

    /// <summary>A fault that may interrupt what <paramref name="slot"/> (or every node, for "*") had in hand.</summary>
    public void Record(string slot, string what) => faults.Enqueue((time.GetUtcNow(), slot, what));

    /// <summary>Whether a fault hit <paramref name="slot"/> (or the database) at or after <paramref name="since"/>.</summary>
    public bool FaultAfter(string slot, DateTimeOffset since) =>
        faults.Any(f => (f.Slot == slot || f.Slot == "*") && f.At >= since.AddSeconds(-1));
}

/// <summary>
/// One engine's run: a database seeded with people and due messages, real worker processes on it, the loopback Cloud API
/// recording every request, inbound messages, opt-outs, statuses, new contacts and import files arriving throughout,
/// the faults of the plan, then a drain and the invariants.
/// </summary>
internal sealed class Scenario(string name, bool postgres, string connectionString, string folder, string workerDll, Form form, FaultPlan plan, PostgresCluster? cluster, TimeProvider time)
{
    private const string Token = "faults-token";
    private const string PhoneNumberId = "1234567890";
    private static readonly TimeSpan SendingTimeout = TimeSpan.FromMinutes(1);

    private readonly FaultLog log = new(time);
    private readonly WorkerProcess?[] slots = new WorkerProcess?[5];
    private readonly int[] starts = new int[5];
    private readonly List<WorkerProcess> ended = [];
    private long lastEvented;
    private int trafficRetries;
    private readonly Dictionary<long, string> groups = [];
    private readonly Stopwatch clock = new();
    private readonly object gate = new();
    private LoopbackCloudApi? api;
    private volatile bool supervise = true;
    private volatile int liveSlots;
    private int inboundPlain;
    private int optOutsSent;
    private int statusesSent;
    private int newContacts;
    private int files;
    private List<(long ContactId, string Number)> senders = [];
    private List<(long ContactId, string Number)> optOutTargets = [];

    public FaultLog Log => log;

    public string Name => name;

    public TimeSpan Elapsed => clock.Elapsed;

    private string DataFolder => Path.Combine(folder, "data");

    private string Inbox => Path.Combine(DataFolder, "data", "inbox");

    public async Task<List<string>> RunAsync(CancellationToken cancellationToken)
    {
        clock.Start();
        Directory.CreateDirectory(Inbox);
        api = await LoopbackCloudApi.StartAsync(delay: TimeSpan.FromMilliseconds(40));
        try
        {
            WriteSettings();
            await MigrateAsync();
            await SeedAsync();
            Phases["set-up"] = clock.Elapsed.TotalSeconds;
            liveSlots = postgres ? form.Slots : 1;
            using var stopTraffic = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var traffic = Task.Run(() => TrafficAsync(stopTraffic.Token), CancellationToken.None);
            if (!postgres)
            {
                await SecondSchedulerCheckAsync();
            }

            var supervisor = Task.Run(() => SuperviseAsync(cancellationToken), CancellationToken.None);
            await FaultsAsync(cancellationToken);
            Phases["faults"] = clock.Elapsed.TotalSeconds - Phases["set-up"];

            // Traffic goes on a little into the drain, then stops: what arrived must all be applied.
            await stopTraffic.CancelAsync();
            await traffic;
            var drained = await DrainAsync(cancellationToken);
            supervise = false;
            await supervisor;
            await StopAllAsync();
            var checking = clock.Elapsed.TotalSeconds;
            Phases["drain and stop"] = checking - Phases["set-up"] - Phases["faults"];
            var failures = await CheckAsync();
            Phases["checks"] = clock.Elapsed.TotalSeconds - checking;
            var target = postgres ? form.TargetKills : form.SqliteCycles;
            if (log.Kills < target)
            {
                failures.Insert(0, $"only {log.Kills} kill(s) before the time limit, {target} wanted");
            }

            if (postgres && log.FailpointKills == 0)
            {
                failures.Insert(0, "no process died at a named failpoint: the points were never reached");
            }

            if (!drained)
            {
                failures.Insert(0, "the backlog did not drain in time after the faults stopped");
            }

            return failures;
        }
        finally
        {
            supervise = false;
            foreach (var worker in slots.Where(w => w is not null))
            {
                worker!.Dispose();
            }

            await api.DisposeAsync();
        }
    }

    private void WriteSettings()
    {
        var cron = (string c) => new JsonObject { ["Cron"] = c };
        var settings = new JsonObject
        {
            ["Database"] = new JsonObject { ["Provider"] = postgres ? "Postgres" : "Sqlite", ["ConnectionString"] = connectionString, ["ConnectRetries"] = 3 },
            ["Scheduler"] = new JsonObject
            {
                ["Clustered"] = postgres,
                ["MaxConcurrency"] = 6,
                ["ShutdownGracePeriod"] = "00:00:05",
                ["Jobs"] = new JsonObject
                {
                    ["revalidate-phones"] = cron("*/4 * * * * ?"),
                    ["expire-consents"] = cron("*/3 * * * * ?"),
                    ["plan-messages"] = cron("*/5 * * * * ?"),
                    ["process-inbound"] = cron("* * * * * ?"),
                    ["dispatch-messages"] = cron("* * * * * ?"),
                    ["import-chats"] = cron("*/2 * * * * ?"),
                    ["retention"] = new JsonObject { ["Enabled"] = false },
                },
            },
            ["Dispatch"] = new JsonObject
            {
                ["Sender"] = "WhatsAppCloud",
                ["BaseUrl"] = api!.BaseUrl.ToString().TrimEnd('/'),
                ["PhoneNumberId"] = PhoneNumberId,
                // Above what eight requests at a time to a fake that answers in 40 ms can reach (200/s): the queue of 40,000
                // messages of the long form is never held back by the pace, so what the faults do to it shows.
                ["MessagesPerSecond"] = 400,
                ["MaxConcurrency"] = 8,
                ["RequestTimeout"] = "00:00:10",
                ["SendingTimeout"] = SendingTimeout.ToString("c", CultureInfo.InvariantCulture),
                ["RetryDelay"] = "00:00:02",
                // A sixth of the people opt out during the run: the content circuit breaker would pause the content and cancel
                // most of the queue, leaving little to send under the faults.
                ["PauseMinSends"] = 1_000_000,
            },
            // Every hour of every day is a send hour, and every person relevant enough: the plan and the sends never wait for a window.
            ["Messaging"] = new JsonObject { ["SendWindow"] = "Sun-Sat 00:00-23:59", ["DailyLimit"] = 1_000_000, ["MinRelevance"] = 0 },
            ["Import"] = new JsonObject { ["SettleTime"] = "00:00:01" },
            ["Logging"] = new JsonObject
            {
                ["LogLevel"] = new JsonObject { ["Default"] = "Warning", ["Vinculo.Hosting"] = "Information", ["Vinculo.Jobs.JobRunner"] = "Information" },
                ["Console"] = new JsonObject { ["FormatterName"] = "simple" },
            },
        };
        Directory.CreateDirectory(DataFolder);
        File.WriteAllText(SettingsFile, settings.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    private string SettingsFile => Path.Combine(folder, "appsettings.json");

    private static Dictionary<string, string> Environment => new(StringComparer.Ordinal) { ["VINCULO_Dispatch__AccessToken"] = Token };

    private async Task MigrateAsync()
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { workerDll, "migrate", "--config", SettingsFile, "--data", DataFolder })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["VINCULO_Dispatch__AccessToken"] = Token;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{name}: vinculo migrate failed ({process.ExitCode}): {await error}");
        }
    }

    private async Task<DbConnection> OpenAsync()
    {
        Data.DapperSetup.EnsureConfigured();
        DbConnection connection = postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(SqliteConnectionString);
        await connection.OpenAsync();
        if (!postgres)
        {
            await connection.ExecuteAsync("PRAGMA busy_timeout = 30000");
        }

        return connection;
    }

    private string SqliteConnectionString => new SqliteConnectionStringBuilder(connectionString)
    {
        DataSource = Path.Combine(DataFolder, new SqliteConnectionStringBuilder(connectionString).DataSource),
    }.ToString();

    /// <summary>Number of the <paramref name="i"/>-th seeded person: a Brazilian mobile, +55 11 9xxxx-xxxx.</summary>
    private static string Number(int i) => "+55119" + (70_000_000 + i).ToString(CultureInfo.InvariantCulture);

    private async Task SeedAsync()
    {
        var random = new Random(plan.Seed ^ name.GetHashCode(StringComparison.Ordinal) & 0x7fffffff);
        var now = time.GetUtcNow();
        var spread = TimeSpan.FromSeconds(Math.Max(20, form.MinFaultSeconds * 0.8));
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var contentId = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO contents (name, body, template_name, template_language, created_at, updated_at) VALUES ('Oferta', 'Oi {first_name}, chegou novidade.', 'novidade_produto', 'pt_BR', @now, @now) RETURNING content_id",
            new { now }, transaction);
        var version = Vinculo.Phones.PhoneClassifier.LibraryVersion;
        var people = form.Messages + 60;
        for (var i = 0; i < people; i++)
        {
            var number = Number(i);
            // 70 % fresh consent, 10 % none, 10 % stale (idle past Consent:MaxIdleDays), 10 % expiring during the run; the last 60
            // have fresh consent and nothing queued: plan-messages queues them for the next send day.
            var group = i >= form.Messages ? "plan" : (i % 10) switch { 7 => "none", 8 => "stale", 9 => "expiring", _ => "fresh" };
            var id = await connection.ExecuteScalarAsync<long>(
                "INSERT INTO contacts (name, phone_raw, phone_e164, phone_hash, phone_status, phone_type, time_zone, phone_checked_at, phone_checked_version, external_ref, created_at, updated_at) " +
                "VALUES (@name, @number, @number, @hash, 'valid', 'mobile', 'America/Sao_Paulo', @now, @version, @group, @created, @created) RETURNING contact_id",
                new { name = "Cliente " + i.ToString(CultureInfo.InvariantCulture), number, hash = Privacy.PhoneHash.Of(number), now, version, group = "faults-" + i.ToString(CultureInfo.InvariantCulture), created = now.AddDays(-900) },
                transaction);
            groups[id] = group;
            if (group != "none")
            {
                var confirmed = group == "stale" ? now.AddDays(-800) : now.AddDays(-10);
                DateTimeOffset? expires = group == "expiring" ? now + (spread * random.NextDouble()) : null;
                await connection.ExecuteAsync(
                    "INSERT INTO consents (contact_id, status, source, granted_at, last_confirmed_at, expires_at, changed_at) VALUES (@id, 'granted', 'form', @confirmed, @confirmed, @expires, @confirmed)",
                    new { id, confirmed, expires }, transaction);
            }

            if (group != "plan")
            {
                var due = now.AddSeconds(-5) + (spread * random.NextDouble());
                await connection.ExecuteAsync(
                    "INSERT INTO message_queue (contact_id, content_id, phone_e164, scheduled_at, relevance, body, status, created_at, updated_at) VALUES (@id, @contentId, @number, @due, 0.5, 'Oi, chegou novidade.', 'queued', @now, @now)",
                    new { id, contentId, number, due, now }, transaction);
            }

            if (group == "fresh")
            {
                senders.Add((id, number));
            }
        }

        await transaction.CommitAsync();
        // A sixth of the people with fresh consent opt out during the run, each once, by a reply or by WhatsApp's "stop".
        optOutTargets = [.. senders.OrderBy(_ => random.Next()).Take(senders.Count / 6)];
    }

    /// <summary>The refusal that exists: a second non-clustered scheduler on a database another one uses.</summary>
    private async Task SecondSchedulerCheckAsync()
    {
        using var first = StartSlot(0, null);
        await first.SchedulerStarted.WaitAsync(TimeSpan.FromSeconds(240));
        var logFile = Path.Combine(folder, "second-scheduler.log");
        using var second = WorkerProcess.Start(workerDll, SettingsFile, DataFolder, "node-second", null, logFile, Environment, time);
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        var text = await ReadSharedAsync(logFile);
        if (second.ExitCode != 2 || !text.Contains("Outro agendador do Vinculo já usa", StringComparison.Ordinal))
        {
            log.Problems.Enqueue($"a second scheduler on the same SQLite file was not refused clearly (exit {second.ExitCode}): {second.LastLines}");
        }

        KillWorker(first);
        await first.WaitForExitAsync();
        slots[0] = null;
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private WorkerProcess StartSlot(int slot, string? failpoints, double? life = null)
    {
        var worker = WorkerProcess.Start(workerDll, SettingsFile, DataFolder, "node-" + (slot + 1).ToString(CultureInfo.InvariantCulture), failpoints,
            Path.Combine(folder, $"node-{slot + 1}.log"), Environment, time);
        Interlocked.Increment(ref log.Starts);
        slots[slot] = worker;
        if (life is { } seconds)
        {
            _ = Task.Run(() => ReapAsync(worker, seconds));
        }

        return worker;
    }

    /// <summary>Restarts every node that died, a moment later, with the next failpoints of its schedule; accounts for how it died.</summary>
    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        while (supervise && !cancellationToken.IsCancellationRequested)
        {
            lock (gate)
            {
                for (var slot = 0; slot < liveSlots; slot++)
                {
                    var worker = slots[slot];
                    if (worker is { HasExited: false })
                    {
                        continue;
                    }

                    if (worker is not null)
                    {
                        Account(worker);
                    }

                    if (faultsOn && !calm)
                    {
                        var (failpoints, life) = plan.Incarnation(slot, starts[slot]++);
                        StartSlot(slot, failpoints, life);
                    }
                    else if (faultsOn)
                    {
                        // Recovering from an outage: no failpoints, and the reaper waits for the calm to end.
                        StartSlot(slot, null, CalmLife);
                    }
                    else
                    {
                        StartSlot(slot, null);
                    }
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, CancellationToken.None);
        }
    }

    private volatile bool faultsOn = true;

    /// <summary>
    /// While the backlog an outage left is measured, nodes are neither killed nor given failpoints: the measure is of the
    /// worker's recovery, not of how little gets done while every node dies every few seconds. Kills resume after it.
    /// </summary>
    private volatile bool calm;

    /// <summary>How long a node started during the calm lives once the calm ends (it is then killed, as any other).</summary>
    private const double CalmLife = 2;

    /// <summary>SIGKILL, counted once per process.</summary>
    private void KillWorker(WorkerProcess worker)
    {
        if (worker.Kill())
        {
            Interlocked.Increment(ref log.HarnessKills);
            log.Record(worker.Slot, "kill");
        }
    }

    /// <summary>Kills <paramref name="worker"/> at the moment its schedule says, unless it dies first.</summary>
    private async Task ReapAsync(WorkerProcess worker, double life)
    {
        var exited = worker.WaitForExitAsync();
        if (life < 0)
        {
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(-life), time));
        }
        else if (await Task.WhenAny(worker.Started, exited, Task.Delay(TimeSpan.FromSeconds(240), time)) == worker.Started)
        {
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(life), time));
        }

        // A paused node is killed once it runs again; none is killed while an outage's backlog is measured.
        while ((worker.Paused || calm) && !worker.HasExited)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time);
        }

        if (faultsOn)
        {
            KillWorker(worker);
        }
    }

    private void Account(WorkerProcess worker)
    {
        switch (worker.Ending)
        {
            case Ending.KilledAtFailpoint:
                log.FailpointKills++;
                log.FailpointsFired.AddOrUpdate(worker.FailpointKill!, 1, (_, n) => n + 1);
                log.Record(worker.Slot, "failpoint kill");
                break;
            case Ending.Unexpected when !worker.SchedulerStarted.IsCompleted && log.DatabaseDownSince(worker.StartedAt):
                // Started while PostgreSQL was restarting or out: start-up gives up (exit 1 or 2) and the service manager
                // (here the harness) starts it again. Counted, not a failure.
                log.ExitsWhileDatabaseDown++;
                log.Record(worker.Slot, "exit");
                break;
            case Ending.Unexpected:
                log.UnexpectedExits++;
                log.Record(worker.Slot, "exit");
                log.Problems.Enqueue($"{worker.Slot} exited by itself (code {worker.ExitCode}): {worker.LastLines}");
                break;
            default:
                break;
        }

        ended.Add(worker);
        worker.Dispose();
        foreach (var s in Enumerable.Range(0, slots.Length).Where(s => ReferenceEquals(slots[s], worker)))
        {
            slots[s] = null;
        }
    }

    private async Task FaultsAsync(CancellationToken cancellationToken)
    {
        var pending = new List<Task>();
        // An outage holds the schedule back by its length and a minute more: the faults after it keep their spacing, and the
        // backlog it left is measured apart from the next outage.
        var shift = 0.0;
        foreach (var fault in postgres ? plan.Faults : [])
        {
            var wait = TimeSpan.FromSeconds(fault.At + shift) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            if (clock.Elapsed.TotalSeconds > form.MaxFaultSeconds)
            {
                break;
            }

            switch (fault.Kind)
            {
                case FaultKind.Pause:
                    pending.Add(PauseAsync(fault.Slot, fault.Seconds));
                    break;
                case FaultKind.PostgresRestart:
                    log.Record("*", "postgres restart");
                    await cluster!.RestartAsync(TimeSpan.FromSeconds(fault.Seconds));
                    log.PostgresRestarts++;
                    log.Record("*", "postgres restart");
                    break;
                case FaultKind.Outage:
                    var outageBegan = clock.Elapsed;
                    log.Record("*", "outage");
                    log.DatabaseDown = true;
                    await cluster!.StopAsync();
                    await Task.Delay(TimeSpan.FromSeconds(fault.Seconds), time, cancellationToken);
                    await cluster.StartServerAsync();
                    log.DatabaseDown = false;
                    log.Outages++;
                    log.Record("*", "outage");
                    // The rest of the schedule waits for the measure, then keeps its spacing a minute later.
                    calm = true;
                    try
                    {
                        await RecoveryAsync(fault.Seconds, cancellationToken);
                    }
                    finally
                    {
                        calm = false;
                    }

                    shift += (clock.Elapsed - outageBegan).TotalSeconds + 60;
                    break;
                case FaultKind.Storm:
                    await StormAsync();
                    break;
                default:
                    break;
            }
        }

        await Task.WhenAll(pending);
        // Then nodes go on dying at their scheduled moments until enough kills happened (and the run lasted long enough).
        var target = postgres ? form.TargetKills : form.SqliteCycles;
        // Both sides run at least the form's minimum: the queue's messages fall due over most of it (SeedAsync), and a side
        // whose faults ended first would leave the rest to fall due during its drain.
        while ((log.Kills < target || clock.Elapsed.TotalSeconds < form.MinFaultSeconds) && clock.Elapsed.TotalSeconds < form.MaxFaultSeconds)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }

        log.Cycles = log.Kills;
    }

    /// <summary>
    /// After an outage: how long until everything that was waiting when the database returned (inbound rows, opt-outs,
    /// statuses, due messages) is done, with the kills held (<see cref="calm"/>) and the traffic still arriving. More than
    /// five minutes is a failure.
    /// </summary>
    private async Task RecoveryAsync(double outageSeconds, CancellationToken cancellationToken)
    {
        var returned = time.GetUtcNow();
        var limit = TimeSpan.FromMinutes(5);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2000), time, cancellationToken);
            try
            {
                await using var connection = await OpenAsync();
                var left = await connection.ExecuteScalarAsync<long>(
                    "SELECT (SELECT COUNT(*) FROM inbound_messages WHERE processed_at IS NULL AND received_at <= @returned) " +
                    "+ (SELECT COUNT(*) FROM preference_events WHERE processed_at IS NULL AND received_at <= @returned) " +
                    "+ (SELECT COUNT(*) FROM message_status_events WHERE processed_at IS NULL AND received_at <= @returned) " +
                    "+ (SELECT COUNT(*) FROM message_queue WHERE status = 'queued' AND scheduled_at <= @returned AND (next_attempt_at IS NULL OR next_attempt_at <= @now))",
                    new { returned, now = time.GetUtcNow() });
                if (left == 0)
                {
                    log.Recoveries.Enqueue(watch.Elapsed.TotalSeconds);
                    return;
                }
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
            {
                // A restart or a later outage: keep measuring.
            }
        }

        log.Problems.Enqueue($"the backlog waiting when the database returned from a {outageSeconds:0} s outage was not done {limit.TotalMinutes:0} minutes later");
    }

    /// <summary>SIGSTOP past the cluster's failure threshold (Quartz declares a node dead after about 15 s), then SIGCONT.</summary>
    private async Task PauseAsync(int slot, double seconds)
    {
        WorkerProcess? worker;
        // The scheduled node, or the first other one alive: a node between two lives is not skipped.
        var tries = 0;
        while (true)
        {
            lock (gate)
            {
                worker = Enumerable.Range(0, form.Slots).Select(i => slots[(slot + i) % form.Slots]).FirstOrDefault(w => w is { HasExited: false, Paused: false });
                worker?.Pause();
            }

            if (worker is not null || ++tries > 50)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time);
        }

        if (worker is null)
        {
            log.Problems.Enqueue("a pause found no node alive to pause for 10 s");
            return;
        }

        log.Record(worker.Slot, "pause");
        await Task.Delay(TimeSpan.FromSeconds(seconds), time);
        worker.Resume();
        log.Pauses++;
        log.Record(worker.Slot, "resume");
    }

    /// <summary>Every node killed, then five started at the same instant on the same database: all must come up.</summary>
    private async Task StormAsync()
    {
        List<WorkerProcess> storm;
        lock (gate)
        {
            for (var slot = 0; slot < slots.Length; slot++)
            {
                if (slots[slot] is { } worker)
                {
                    if (worker.Paused)
                    {
                        worker.Resume();
                    }

                    KillWorker(worker);
                    worker.WaitForExitAsync().Wait();
                    Account(worker);
                }
            }

            liveSlots = 5;
            storm = [.. Enumerable.Range(0, 5).Select(s => StartSlot(s, null))];
        }

        var up = Task.WhenAll(storm.Select(w => w.SchedulerStarted));
        var anyExit = Task.WhenAny(storm.Select(w => w.WaitForExitAsync()));
        var first = await Task.WhenAny(up, anyExit, Task.Delay(TimeSpan.FromSeconds(240), time));
        log.Storms++;
        if (first != up)
        {
            log.StormFailures++;
            log.Problems.Enqueue("start-up storm: " + string.Join("; ", storm.Where(w => !w.SchedulerStarted.IsCompleted).Select(w => $"{w.Slot} {(w.HasExited ? "exited " + w.ExitCode : "not up")}: {w.LastLines}")));
        }

        lock (gate)
        {
            liveSlots = form.Slots;
            foreach (var extra in storm.Skip(form.Slots))
            {
                KillWorker(extra);
            }

            // The nodes that stay go on with their schedule.
            foreach (var kept in storm.Take(form.Slots))
            {
                var slot = int.Parse(kept.Slot["node-".Length..], CultureInfo.InvariantCulture) - 1;
                var (_, life) = plan.Incarnation(slot, starts[slot]++);
                _ = Task.Run(() => ReapAsync(kept, Math.Abs(life)));
            }
        }
    }

    /// <summary>Inbound messages, opt-outs, statuses of what was sent, new contacts and import files, all along the faults.</summary>
    private async Task TrafficAsync(CancellationToken cancellationToken)
    {
        var random = new Random(plan.Seed + 17);
        var optOutEvery = Math.Max(1, (int)(form.MinFaultSeconds * 4 * 0.8 / Math.Max(1, optOutTargets.Count)));
        var tick = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            tick++;
            try
            {
                await using var connection = await OpenAsync();
                var now = time.GetUtcNow();
                // Interactions: a plain reply from someone with fresh consent.
                var (_, number) = senders[random.Next(senders.Count)];
                var key = "wamid.IN" + inboundPlain.ToString(CultureInfo.InvariantCulture);
                if (await connection.ExecuteAsync(
                        "INSERT INTO inbound_messages (provider_message_id, from_phone, body, received_at) SELECT @key, @from, 'obrigado pela mensagem', @now " +
                        "WHERE NOT EXISTS (SELECT 1 FROM inbound_messages WHERE provider_message_id = @key)",
                        new { key, from = number.TrimStart('+'), now }) >= 0)
                {
                    inboundPlain++;
                }

                if (tick % optOutEvery == 0 && optOutsSent < optOutTargets.Count)
                {
                    var (_, target) = optOutTargets[optOutsSent];
                    var marker = "BR.faults" + optOutsSent.ToString(CultureInfo.InvariantCulture);
                    if (optOutsSent % 2 == 0)
                    {
                        await connection.ExecuteAsync(
                            "INSERT INTO inbound_messages (provider_message_id, from_phone, body, received_at) SELECT @marker, @from, 'Sair', @now " +
                            "WHERE NOT EXISTS (SELECT 1 FROM inbound_messages WHERE provider_message_id = @marker)",
                            new { marker, from = target.TrimStart('+'), now });
                    }
                    else
                    {
                        await connection.ExecuteAsync(
                            "INSERT INTO preference_events (from_phone, wa_user_id, category, value, occurred_at, received_at) SELECT @from, @marker, 'marketing_messages', 'stop', @now, @now " +
                            "WHERE NOT EXISTS (SELECT 1 FROM preference_events WHERE wa_user_id = @marker)",
                            new { marker, from = target.TrimStart('+'), now });
                    }

                    optOutsSent++;
                }

                // Statuses of what was recorded sent: delivered, and read for half of them.
                var sent = (await connection.QueryAsync<(long Id, string Wamid)>(
                    "SELECT message_id AS Id, provider_message_id AS Wamid FROM message_queue WHERE provider_message_id IS NOT NULL AND status = 'sent' AND message_id > @after ORDER BY message_id LIMIT 10",
                    new { after = lastEvented })).AsList();
                foreach (var (id, wamid) in sent)
                {
                    foreach (var status in random.Next(2) == 0 ? new[] { "delivered" } : ["delivered", "read"])
                    {
                        await connection.ExecuteAsync(
                            "INSERT INTO message_status_events (provider_message_id, status, occurred_at, received_at) SELECT @wamid, @status, @now, @now " +
                            "WHERE NOT EXISTS (SELECT 1 FROM message_status_events WHERE provider_message_id = @wamid AND status = @status)",
                            new { wamid, status, now });
                        statusesSent++;
                    }

                    lastEvented = id;
                }

                // A new contact nobody classified yet (revalidate-phones has work at every run).
                var external = "faults-new-" + newContacts.ToString(CultureInfo.InvariantCulture);
                await connection.ExecuteAsync(
                    "INSERT INTO contacts (name, phone_raw, external_ref, created_at, updated_at) SELECT 'Novo', @raw, @external, @now, @now WHERE NOT EXISTS (SELECT 1 FROM contacts WHERE external_ref = @external)",
                    new { raw = "(21) 9" + (8000_0000 + newContacts).ToString("0000-0000", CultureInfo.InvariantCulture), external, now });
                newContacts++;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException or IOException)
            {
                // The database is restarting: the same rows again next tick (each insert is idempotent by its marker).
                trafficRetries++;
                await File.AppendAllTextAsync(Path.Combine(folder, "traffic.log"), $"{time.GetUtcNow():O} {e.GetType().Name}: {e.Message}\n", CancellationToken.None);
            }

            if (tick % 12 == 0)
            {
                // A contact CSV dropped into the inbox: three new people, written elsewhere and moved in at once.
                var file = $"contatos-{files.ToString("0000", CultureInfo.InvariantCulture)}.csv";
                var temporary = Path.Combine(folder, file);
                var lines = Enumerable.Range(0, 3).Select(j => $"Pessoa {files}-{j},+55319{(60_000_000 + (files * 3) + j).ToString(CultureInfo.InvariantCulture)}");
                await File.WriteAllLinesAsync(temporary, ["nome,telefone", .. lines], CancellationToken.None);
                File.Move(temporary, Path.Combine(Inbox, file));
                files++;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Faults off: every node runs clean until nothing is left to do (no due message queued, none 'sending' (past
    /// Dispatch:SendingTimeout they end 'interrupted'), every inbound row and status applied, the inbox empty).
    /// </summary>
    private async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        faultsOn = false;
        lock (gate)
        {
            foreach (var worker in slots.Where(w => w is { HasExited: false }))
            {
                if (worker!.Paused)
                {
                    worker.Resume();
                }

                // Restarted without failpoints.
                if (worker.Failpoints is not null)
                {
                    KillWorker(worker);
                }
            }
        }

        var began = clock.Elapsed;
        var limit = TimeSpan.FromMinutes(form == Form.Short ? 4 : 6);
        while (clock.Elapsed - began < limit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2000), time, cancellationToken);
            try
            {
                await using var connection = await OpenAsync();
                var now = time.GetUtcNow();
                var left = await connection.ExecuteScalarAsync<long>(
                    "SELECT (SELECT COUNT(*) FROM message_queue WHERE status = 'sending' OR (status = 'queued' AND scheduled_at <= @now AND (next_attempt_at IS NULL OR next_attempt_at <= @now))) " +
                    "+ (SELECT COUNT(*) FROM inbound_messages WHERE processed_at IS NULL) + (SELECT COUNT(*) FROM preference_events WHERE processed_at IS NULL) " +
                    "+ (SELECT COUNT(*) FROM message_status_events WHERE processed_at IS NULL) + (SELECT COUNT(*) FROM contacts WHERE phone_status = 'unchecked')",
                    new { now });
                if (left == 0 && !Directory.EnumerateFiles(Inbox).Any())
                {
                    // One more round of every job, so that runs a killed node left 'running' are closed by their job's next run.
                    await Task.Delay(TimeSpan.FromMilliseconds(6000), time, cancellationToken);
                    DrainSeconds = (clock.Elapsed - began).TotalSeconds;
                    return true;
                }
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
            {
                // Still coming back.
            }
        }

        return false;
    }

    public double DrainSeconds { get; private set; }

    /// <summary>Seconds each part of the run took, in order: where a slow run spent its time.</summary>
    public Dictionary<string, double> Phases { get; } = [];

    private async Task StopAllAsync()
    {
        List<WorkerProcess> live;
        lock (gate)
        {
            live = [.. slots.Where(w => w is { HasExited: false }).Select(w => w!)];
        }

        var codes = await Task.WhenAll(live.Select(w => w.StopAsync(TimeSpan.FromSeconds(60))));
        for (var i = 0; i < live.Count; i++)
        {
            if (codes[i] != 0)
            {
                log.Problems.Enqueue($"{live[i].Slot} did not stop cleanly on SIGTERM (exit {codes[i]}): {live[i].LastLines}");
            }
        }
    }

    /// <summary>The invariants, from the database and the fake's record. Returns what does not hold.</summary>
    private async Task<List<string>> CheckAsync()
    {
        var failures = new List<string>(log.Problems);
        var requests = api!.Requests;
        await using var connection = await OpenAsync();
        var messages = (await connection.QueryAsync<MessageRow>(
            "SELECT m.message_id AS MessageId, m.contact_id AS ContactId, m.phone_e164 AS Number, m.status AS Status, m.status_reason AS Reason, m.claimed_by AS ClaimedBy, " +
            "m.claimed_at AS ClaimedAt, m.scheduled_at AS ScheduledAt, s.expires_at AS ExpiresAt " +
            "FROM message_queue m JOIN contacts c ON c.contact_id = m.contact_id LEFT JOIN consents s ON s.contact_id = m.contact_id")).AsList();
        var byNumber = messages.GroupBy(m => m.Number.TrimStart('+')).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        // 1. Nothing received twice.
        var twice = requests.GroupBy(r => r.To).Where(g => g.Count() > 1).ToList();
        Figures["requests"] = requests.Count;
        Figures["received_twice"] = twice.Count;
        if (twice.Count > 0)
        {
            failures.Add($"{twice.Count} number(s) received a message twice (first: {Mask(twice[0].Key)})");
        }

        // 2. No send without consent, fresh at claim time, or after an opt-out was applied.
        var optOutApplied = (await connection.QueryAsync<(string From, DateTimeOffset Finished)>(
            "SELECT i.from_phone, r.finished_at FROM inbound_messages i JOIN job_runs r ON r.job_key = 'process-inbound' AND r.started_at = i.processed_at WHERE i.body = 'Sair' " +
            "UNION ALL SELECT p.from_phone, r.finished_at FROM preference_events p JOIN job_runs r ON r.job_key = 'process-inbound' AND r.started_at = p.processed_at WHERE p.value = 'stop'"))
            .GroupBy(o => o.From, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Min(o => o.Finished), StringComparer.Ordinal);
        var unlawful = 0;
        foreach (var request in requests)
        {
            var to = request.To?.TrimStart('+') ?? "";
            if (!byNumber.TryGetValue(to, out var rows))
            {
                failures.Add($"the fake received a message for {Mask(to)}, which has no row in message_queue");
                continue;
            }

            var row = rows[0];
            var group = groups[row.ContactId];
            var bad = group is "none" or "stale"
                || (group == "expiring" && row.ClaimedAt > row.ExpiresAt)
                || (optOutApplied.TryGetValue(to, out var applied) && row.ClaimedAt > applied);
            unlawful += bad ? 1 : 0;
        }

        Figures["sent_without_fresh_consent_or_after_opt_out"] = unlawful;
        if (unlawful > 0)
        {
            failures.Add($"{unlawful} message(s) went to a number without fresh consent or after its opt-out was applied");
        }

        // 3. Every message ends somewhere with a reason; 'interrupted'/'unknown_outcome' only where a fault hit its node after the claim.
        var now = time.GetUtcNow();
        foreach (var row in messages)
        {
            var ok = row.Status switch
            {
                "sent" or "delivered" or "read" => true,
                "cancelled" => row.Reason is not null,
                "failed" when row.Reason is "interrupted" or "unknown_outcome" => row.ClaimedBy is not null && row.ClaimedAt is not null && log.FaultAfter(row.ClaimedBy, row.ClaimedAt.Value),
                "failed" => row.Reason is not null,
                "queued" => row.ScheduledAt > now,
                _ => false,
            };
            if (!ok)
            {
                failures.Add($"message {row.MessageId} ended {row.Status}/{row.Reason ?? "-"} (claimed by {row.ClaimedBy ?? "-"} at {row.ClaimedAt:O})");
            }
        }

        foreach (var group in messages.GroupBy(m => m.Status + (m.Reason is null ? "" : "/" + m.Reason)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Figures["messages " + group.Key] = group.Count();
        }

        var received = requests.Select(r => r.To?.TrimStart('+') ?? "").ToHashSet(StringComparer.Ordinal);
        var phantom = messages.Count(m => m.Status is "sent" or "delivered" or "read" && !received.Contains(m.Number.TrimStart('+')));
        if (phantom > 0)
        {
            failures.Add($"{phantom} message(s) recorded sent that the fake never received");
        }

        var planned = messages.Count(m => groups[m.ContactId] == "plan");
        if (planned != 60)
        {
            failures.Add($"plan-messages queued {planned} message(s) for the 60 people who had none (expected one each)");
        }

        // 4. Inbound: every row applied, exactly once.
        var unprocessed = await connection.ExecuteScalarAsync<long>(
            "SELECT (SELECT COUNT(*) FROM inbound_messages WHERE processed_at IS NULL) + (SELECT COUNT(*) FROM preference_events WHERE processed_at IS NULL) + (SELECT COUNT(*) FROM message_status_events WHERE processed_at IS NULL)");
        var plain = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbound_messages WHERE body <> 'Sair'");
        // A reply is an interaction whatever it says, an opt-out too: one message_in per inbound message.
        var inbound = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbound_messages");
        var messageIn = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE kind = 'message_in'");
        var optOuts = await connection.ExecuteScalarAsync<long>("SELECT (SELECT COUNT(*) FROM inbound_messages WHERE body = 'Sair') + (SELECT COUNT(*) FROM preference_events)");
        var revoked = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM consent_events WHERE event = 'revoked'");
        var revokedTwice = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT contact_id FROM consent_events WHERE event = 'revoked' GROUP BY contact_id HAVING COUNT(*) > 1) AS t");
        var reads = await connection.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT provider_message_id) FROM message_status_events WHERE status = 'read'");
        var readInteractions = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE kind = 'read'");
        var statuses = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM message_status_events");
        var unread = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM message_queue m WHERE m.status <> 'read' AND EXISTS (SELECT 1 FROM message_status_events e WHERE e.provider_message_id = m.provider_message_id AND e.status = 'read')");
        Figures["inbound messages (plain)"] = plain;
        Figures["opt-outs (replies and stops)"] = optOuts;
        Figures["statuses"] = statuses;
        Figures["traffic ticks retried"] = trafficRetries;
        if (unprocessed > 0)
        {
            failures.Add($"{unprocessed} inbound message(s), preference event(s) or status(es) were never applied");
        }

        if (messageIn != inbound)
        {
            failures.Add($"{inbound} inbound message(s) gave {messageIn} message_in interaction(s) (lost or applied twice)");
        }

        if (revoked != optOuts || revokedTwice > 0)
        {
            failures.Add($"{optOuts} opt-out(s) gave {revoked} revoked consent event(s), {revokedTwice} contact(s) revoked twice");
        }

        if (readInteractions != reads || unread > 0)
        {
            failures.Add($"{reads} message(s) reported read gave {readInteractions} read interaction(s); {unread} read message(s) not marked read");
        }

        // 5. Import: every file taken once, every number in them one contact.
        // A file whose import committed but whose move to archive/ a kill prevented is read again by the next run: it adds
        // nothing (natural keys), though import_files gets a second row for the same content.
        var imported = await connection.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT content_sha256) FROM import_files");
        Figures["import files read again after a kill"] = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM import_files") - imported;
        var csvContacts = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE phone_raw LIKE '+55319%'");
        var csvDistinct = await connection.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT phone_raw) FROM contacts WHERE phone_raw LIKE '+55319%'");
        // A file whose import hit an injected 'throw' (an error no retry cures) is put in quarantine/ with the reason beside it,
        // nothing of it imported: that is the promise for such a file. Any other reason is a failure.
        var quarantine = Path.Combine(Inbox, "quarantine");
        var quarantined = Directory.Exists(quarantine) ? Directory.GetFiles(quarantine, "*.csv") : [];
        foreach (var file in quarantined)
        {
            var reason = File.Exists(file + ".reason.txt") ? await File.ReadAllTextAsync(file + ".reason.txt") : "(no reason file)";
            if (!reason.Contains("failpoint", StringComparison.Ordinal))
            {
                failures.Add($"{Path.GetFileName(file)} was quarantined: {reason.Split('\n')[0]}");
            }
        }

        // Their numbers are absent, unless an earlier read of the same file had committed before a kill.
        var quarantinedNumbers = quarantined.SelectMany(f => File.ReadAllLines(f).Skip(1)).Select(line => line.Split(',')[1]).ToList();
        var present = 0L;
        foreach (var number in quarantinedNumbers)
        {
            present += await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE phone_raw = @number", new { number });
        }

        Figures["import files"] = files;
        Figures["import files quarantined by an injected error"] = quarantined.Length;
        var expected = (files * 3) - quarantinedNumbers.Count + present;
        if (imported != files || csvContacts != expected || csvDistinct != csvContacts)
        {
            failures.Add($"{files} import file(s), {quarantined.Length} quarantined: {imported} import_files row(s), {csvContacts} contact row(s) for {expected} number(s) ({csvDistinct} distinct)");
        }

        // 6. Every run recorded and closed.
        var running = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM job_runs WHERE status = 'running'");
        Figures["job runs"] = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM job_runs");
        Figures["job runs failed"] = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM job_runs WHERE status = 'failed'");
        if (running > 0)
        {
            failures.Add($"{running} job_runs row(s) left running");
        }

        if (log.StormFailures > 0)
        {
            failures.Add($"{log.StormFailures} start-up storm(s) where a node did not come up");
        }

        return failures;
    }

    public SortedDictionary<string, long> Figures { get; } = new(StringComparer.Ordinal);

    private static string Mask(string? number) => number is { Length: > 4 } ? "…" + number[^4..] : "?";

    private sealed record MessageRow(
        long MessageId, long ContactId, string Number, string Status, string? Reason, string? ClaimedBy, DateTimeOffset? ClaimedAt, DateTimeOffset ScheduledAt, DateTimeOffset? ExpiresAt);
}
