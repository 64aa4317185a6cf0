using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Vinculo.Consent;
using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Hosting;

/// <summary>
/// Vinculo's meters as a listener sees them after real runs, and the OpenTelemetry wiring. The meter is process-wide and
/// other tests run jobs at the same time, so each check looks for the measurement its own run made, not for totals.
/// </summary>
public sealed class TelemetryTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T15:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Metrics_CountRunsByJobAndOutcome_AndTimeThem()
    {
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        var probe = new JobProbe();
        using var first = db.BuildHost(configureHost: TestJobs.Register(probe));
        using var second = db.BuildHost(configureHost: TestJobs.Register(probe));
        using var metrics = new Measurements();

        var runner = first.Services.GetRequiredService<JobRunner>();
        await runner.RunAsync(TestJobs.Record, CancellationToken.None);
        await runner.RunAsync(TestJobs.Fail, CancellationToken.None);
        var blocked = runner.RunAsync(TestJobs.Block, CancellationToken.None);
        await probe.FirstBlockStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await second.Services.GetRequiredService<JobRunner>().RunAsync(TestJobs.Block, CancellationToken.None);
        probe.Release();
        await blocked.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains(metrics.Of("vinculo.job.runs", TestJobs.Record, "succeeded"), m => m.Value == 1);
        Assert.Contains(metrics.Of("vinculo.job.runs", TestJobs.Fail, "failed"), m => m.Value == 1);
        Assert.Contains(metrics.Of("vinculo.job.runs", TestJobs.Block, "already_running"), m => m.Value == 1);
        Assert.Contains(metrics.Of("vinculo.job.runs", TestJobs.Block, "succeeded"), m => m.Value == 1);
        Assert.Contains(metrics.Of("vinculo.job.duration", TestJobs.Record, "succeeded"), m => m.Value >= 0);
        Assert.Contains(metrics.Of("vinculo.job.duration", TestJobs.Fail, "failed"), m => m.Value >= 0);
        Assert.Empty(metrics.Of("vinculo.job.duration", TestJobs.Block, "already_running"));
    }

    [Fact]
    public async Task Metrics_CountNumbersCheckedAndOptOuts_FromTheRealJobsDetail()
    {
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        var seed = new ConsentSeed(db);
        var maria = await seed.ContactAsync("+5511987654321", Now.AddDays(-100), name: "Maria");
        await seed.ConsentAsync(maria, "granted", Now.AddDays(-90));
        await seed.ContactAsync(null, Now.AddDays(-1), raw: "(11) 3333-4444", status: "unchecked");
        await seed.ExecuteAsync("UPDATE contacts SET phone_checked_at = NULL WHERE phone_e164 IS NULL");
        await seed.InboundAsync("5511987654321", "SAIR", Now.AddMinutes(-1));
        using var metrics = new Measurements();

        var checkedRun = await seed.RunAsync(Phones.RevalidatePhonesJob.Key, Now);
        var inboundRun = await seed.RunAsync(ProcessInboundJob.Key, Now);

        Assert.True(checkedRun.Status == JobRunStatus.Succeeded, checkedRun.Error);
        Assert.True(inboundRun.Status == JobRunStatus.Succeeded, inboundRun.Error);
        Assert.Contains(metrics.All("vinculo.contacts.checked"), m => m.Tag(VinculoMetrics.PhoneStatusTag) == "landline" && m.Value >= 1);
        Assert.Contains(metrics.All("vinculo.consent.opt_outs"), m => m.Value >= 1);
        Assert.Contains(metrics.Of("vinculo.job.runs", ProcessInboundJob.Key, "succeeded"), m => m.Value == 1);
    }

    [Fact]
    public void Metrics_ReadQueuedSentAndFailedMessages_FromPlanningAndDispatchDetail()
    {
        using var metrics = new Measurements();
        var plan = new Dictionary<string, object?> { ["queued"] = 4_201L, ["eligible"] = 9_999L };
        var dispatch = new Dictionary<string, object?>
        {
            ["sent_session"] = 4_202L,
            ["sent_template"] = 4_203L,
            ["failed"] = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["undeliverable"] = 4_204, ["unknown_outcome"] = 0 },
        };

        VinculoMetrics.RecordRun(JobCatalog.PlanMessages, JobRunStatus.Succeeded, TimeSpan.FromSeconds(3), new JobResult(1, 1, plan));
        VinculoMetrics.RecordRun(JobCatalog.DispatchMessages, JobRunStatus.Failed, TimeSpan.FromSeconds(1), new JobResult(1, 1, dispatch, "halted"));

        Assert.Contains(metrics.All("vinculo.messages.queued"), m => m.Value == 4_201);
        Assert.Contains(metrics.All("vinculo.messages.sent"), m => m.Value == 4_202 && m.Tag(VinculoMetrics.SentAsTag) == "session");
        Assert.Contains(metrics.All("vinculo.messages.sent"), m => m.Value == 4_203 && m.Tag(VinculoMetrics.SentAsTag) == "template");
        Assert.Contains(metrics.All("vinculo.messages.failed"), m => m.Value == 4_204 && m.Tag(VinculoMetrics.FailureReasonTag) == "undeliverable");
        Assert.DoesNotContain(metrics.All("vinculo.messages.failed"), m => m.Tag(VinculoMetrics.FailureReasonTag) == "unknown_outcome" && m.Value == 0);
        Assert.Contains(metrics.All("vinculo.job.duration"), m => m.Value == 3 && m.Tag(VinculoMetrics.JobKeyTag) == JobCatalog.PlanMessages);
    }

    [Theory]
    [InlineData("localhost:4317")]
    [InlineData("coletor")]
    [InlineData("ftp://coletor:4317")]
    public async Task Telemetry_BadEndpoint_StopsTheStartWithExitCodeTwo_NamingTheKey(string endpoint)
    {
        await using var db = await engine.CreateDatabaseAsync();

        var scheduler = await db.CliAsync([$"--OpenTelemetry:Endpoint={endpoint}"], WithTelemetry);
        var run = await db.CliAsync(["run", TestJobs.Record, $"--OpenTelemetry:Endpoint={endpoint}"], WithTelemetry);

        foreach (var result in new[] { scheduler, run })
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("OpenTelemetry:Endpoint", result.Error, StringComparison.Ordinal);
            Assert.Contains(endpoint, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Telemetry_BadProtocolOrServiceName_AreReportedByKey()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["run", TestJobs.Record, "--OpenTelemetry:Protocol=udp", "--OpenTelemetry:ServiceName= "], WithTelemetry);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("OpenTelemetry:Protocol", result.Error, StringComparison.Ordinal);
        Assert.Contains("OpenTelemetry:ServiceName", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Telemetry_ExportsOnlyWhenAnEndpointIsSet()
    {
        await using var db = await engine.CreateDatabaseAsync();

        using var off = db.BuildHost(configureHost: WithTelemetry);
        using var grpc = db.BuildHost(configureHost: WithTelemetry, extraArgs: ["--OpenTelemetry:Endpoint=http://127.0.0.1:4317"]);
        using var http = db.BuildHost(
            configureHost: WithTelemetry, extraArgs: ["--OpenTelemetry:Endpoint=https://otel.example.com/otlp/", "--OpenTelemetry:Protocol=HttpProtobuf"]);

        Assert.Null(off.Services.GetService<MeterProvider>());
        Assert.Null(off.Services.GetService<TracerProvider>());
        Assert.Empty(ConfigurationCheck.Collect(off.Services));
        foreach (var on in new[] { grpc, http })
        {
            Assert.NotNull(on.Services.GetService<MeterProvider>());
            Assert.NotNull(on.Services.GetService<TracerProvider>());
            Assert.Empty(ConfigurationCheck.Collect(on.Services));
        }
    }

    [Fact]
    public void AddVinculoTelemetry_Twice_AddsTheSectionOnce()
    {
        var builder = VinculoHost.CreateBuilder([], Directory.CreateTempSubdirectory("vinculo-test-").FullName);

        builder.AddVinculoTelemetry();
        builder.AddVinculoTelemetry();

        Assert.Single(builder.Services, d => d.ImplementationInstance is OptionsSection { Name: TelemetryOptions.Section });
    }

    private static void WithTelemetry(HostApplicationBuilder builder)
    {
        TestJobs.Register(new JobProbe())(builder);
        builder.AddVinculoTelemetry();
    }

    /// <summary>Everything recorded on the <c>Vinculo</c> meter while it is alive.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentQueue<Measurement> seen = new();

        public Measurements()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == VinculoMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => seen.Enqueue(new Measurement(instrument.Name, value, tags.ToArray())));
            listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => seen.Enqueue(new Measurement(instrument.Name, value, tags.ToArray())));
            listener.Start();
        }

        public IEnumerable<Measurement> All(string instrument) => seen.Where(m => m.Instrument == instrument);

        public IEnumerable<Measurement> Of(string instrument, string jobKey, string outcome) =>
            All(instrument).Where(m => m.Tag(VinculoMetrics.JobKeyTag) == jobKey && m.Tag(VinculoMetrics.OutcomeTag) == outcome);

        public void Dispose() => listener.Dispose();
    }

    private sealed record Measurement(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public string? Tag(string name) => Tags.FirstOrDefault(t => t.Key == name).Value as string;
    }
}
