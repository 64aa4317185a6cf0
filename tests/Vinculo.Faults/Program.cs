using System.Diagnostics;
using System.Globalization;
using Vinculo.Faults;

// vinculo-faults [short|long] [--seed N] [--pg-bin DIR] [--only postgres|sqlite] [--outage SECONDS]... [--keep]
// Runs real worker processes under a seeded schedule of faults (SIGKILL at random moments and at named failpoints, SIGSTOP
// past the cluster's failure threshold, PostgreSQL restarts and outages, five nodes starting at once) on a PostgreSQL cluster
// of its own (three clustered nodes) and on a SQLite file (one node killed and restarted in a loop), then checks SPEC
// section 10's promises from the database and the loopback Cloud API's record. Exit code 0 when every invariant holds.
var form = Form.Short;
int? seedArgument = null;
string? pgBin = null;
string? only = null;
var keep = false;
var outages = new List<double>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "short":
            form = Form.Short;
            break;
        case "long":
            form = Form.Long;
            break;
        case "--seed":
            seedArgument = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--pg-bin":
            pgBin = args[++i];
            break;
        case "--only":
            only = args[++i];
            break;
        case "--keep":
            keep = true;
            break;
        case "--outage":
            // A database outage of that many seconds added to the form's (the long form has 60 s and 5 min).
            outages.Add(double.Parse(args[++i], CultureInfo.InvariantCulture));
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: vinculo-faults [short|long] [--seed N] [--pg-bin DIR] [--only postgres|sqlite] [--outage SECONDS]... [--keep]");
            return 2;
    }
}

if (outages.Count > 0)
{
    form = form with { Name = $"{form.Name} --outage {string.Join(" --outage ", outages)}", Outages = [.. form.Outages, .. outages] };
}

var seed = seedArgument ?? Random.Shared.Next(1, int.MaxValue);
var plan = new FaultPlan(seed, form);
var workerDll = Path.Combine(AppContext.BaseDirectory, "vinculo.dll");
var folder = Directory.CreateTempSubdirectory("vinculo-faults.").FullName;
File.SetUnixFileMode(folder, (UnixFileMode)0x1FF);
Console.WriteLine($"Fault harness, {form.Name} form, seed {seed} (replay: vinculo-faults {form.Name} --seed {seed}); logs in {folder}");
Console.WriteLine($"Schedule (special faults and the first 15 random kills):\n{plan.Describe(15)}");
var watch = Stopwatch.StartNew();
var failures = new List<string>();
var scenarios = new List<Scenario>();
using var cancel = new CancellationTokenSource(TimeSpan.FromHours(3));
PostgresCluster? cluster = null;
try
{
    var runs = new List<Task<List<string>>>();
    if (only is null or "postgres")
    {
        cluster = await PostgresCluster.StartAsync(pgBin);
        var pgFolder = Directory.CreateDirectory(Path.Combine(folder, "postgres")).FullName;
        var postgres = new Scenario("postgres", true, cluster.ConnectionString("postgres"), pgFolder, workerDll, form, plan, cluster, TimeProvider.System);
        scenarios.Add(postgres);
        runs.Add(postgres.RunAsync(cancel.Token));
    }

    if (only is null or "sqlite")
    {
        var sqliteFolder = Directory.CreateDirectory(Path.Combine(folder, "sqlite")).FullName;
        var sqlite = new Scenario("sqlite", false, "Data Source=data/faults.db", sqliteFolder, workerDll, form, plan, null, TimeProvider.System);
        scenarios.Add(sqlite);
        runs.Add(sqlite.RunAsync(cancel.Token));
    }

    foreach (var (scenario, run) in scenarios.Zip(runs))
    {
        try
        {
            failures.AddRange((await run).Select(f => $"{scenario.Name}: {f}"));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or OperationCanceledException or System.Data.Common.DbException)
        {
            failures.Add($"{scenario.Name}: the harness itself failed: {e}");
        }
    }
}
finally
{
    if (cluster is not null)
    {
        await cluster.DisposeAsync();
    }
}

foreach (var scenario in scenarios)
{
    var log = scenario.Log;
    Console.WriteLine(
        $"{scenario.Name}: {log.Kills} kills ({log.HarnessKills} SIGKILL at random moments, {log.FailpointKills} at named failpoints), " +
        $"{(scenario.Name == "sqlite" ? $"{log.Cycles} kill/restart cycles, " : "")}{log.Pauses} pauses past the failure threshold, {log.PostgresRestarts} PostgreSQL restarts, " +
        $"{log.Outages} outages{(log.Recoveries.IsEmpty ? "" : $" (backlog drained {string.Join(", ", log.Recoveries.Select(r => $"{r:0} s"))} after the database returned)")}, {log.Storms} five-node start-up storms, {log.Starts} worker starts, {log.ExitsWhileDatabaseDown} start-ups given up while PostgreSQL was down, {log.UnexpectedExits} unexpected exits; drained in {scenario.DrainSeconds:0} s");
    if (!log.FailpointsFired.IsEmpty)
    {
        Console.WriteLine("  failpoint kills: " + string.Join(", ", log.FailpointsFired.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
    }

    Console.WriteLine("  " + string.Join(", ", scenario.Figures.Select(f => $"{f.Key}: {f.Value}")));
    Console.WriteLine("  seconds: " + string.Join(", ", scenario.Phases.Select(p => $"{p.Key} {p.Value:0}")));
}

Console.WriteLine($"Duration {watch.Elapsed.TotalSeconds:0} s.");
if (failures.Count > 0)
{
    Console.WriteLine($"INVARIANTS VIOLATED (seed {seed}; replay: vinculo-faults {form.Name} --seed {seed}; logs kept in {folder}):");
    foreach (var failure in failures.Take(40))
    {
        Console.WriteLine("  " + failure);
    }

    return 1;
}

Console.WriteLine("All invariants hold: nothing received twice, no send without fresh consent or after an opt-out, no inbound event lost or applied twice, every message ended with a reason, no run left running, every node of every storm came up.");
if (!keep)
{
    Directory.Delete(folder, recursive: true);
}

return 0;
