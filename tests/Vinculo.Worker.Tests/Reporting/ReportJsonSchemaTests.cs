using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Engines;
using static Vinculo.Reporting.ReportSeed;

namespace Vinculo.Reporting;

/// <summary>
/// <c>report --json</c> is read by scripts and dashboards: its keys and the kinds of their values are pinned here. Changing
/// this list is changing the contract (see the schema on <see cref="VinculoReport"/>): add keys, never rename or remove them.
/// </summary>
public abstract partial class ReportJsonSchemaTests(EngineFixture engine) : EngineSuite(engine)
{
    /// <summary>Every path of the document (<c>[]</c> for any element of an array) and the kinds its value may have.</summary>
    private const string Schema = """
        $ object
        schema_version number
        generated_at string
        time_zone string
        contacts object
        contacts.live number
        contacts.by_phone_status object
        contacts.by_phone_status.{unchecked,valid,repaired,landline,invalid,duplicate,unreachable} object
        contacts.by_phone_status.{unchecked,valid,repaired,landline,invalid,duplicate,unreachable}.{contacts,consent_granted,suppressed} number
        consent object
        consent.{granted,revoked,expired,without_consent} number
        consent.by_source object
        consent.by_source.{form,whatsapp,import,chat,other} object
        consent.by_source.{form,whatsapp,import,chat,other}.{granted,revoked,expired} number
        suppression object
        suppression.numbers number
        suppression.by_reason array
        suppression.by_reason[] object
        suppression.by_reason[].reason string
        suppression.by_reason[].numbers number
        plan array
        plan[] object
        plan[].send_day string
        plan[].{messages,queued} number
        plan[].{first_scheduled_at,last_scheduled_at} string|null
        messages object
        messages.window_days number
        messages.since string
        messages.{last_7_days,all_time} object
        messages.{last_7_days,all_time}.total number
        messages.{last_7_days,all_time}.by_status object
        messages.{last_7_days,all_time}.by_status.{queued,sending,sent,delivered,read,failed,cancelled} number
        messages.{last_7_days,all_time}.by_sent_as object
        messages.{last_7_days,all_time}.by_sent_as.{session,template} number
        contents array
        contents[] object
        contents[].{content_id,queued,sent,recipients,opted_out} number
        contents[].{name,state} string
        contents[].opt_out_rate number|null
        paused_contents array
        paused_contents[] object
        paused_contents[].content_id number
        paused_contents[].{name,paused_at} string
        paused_contents[].paused_reason string|null
        dispatch_halt object|null
        dispatch_halt.{since,reason} string
        dispatch_halt.error_code number|null
        dispatch_halt.node string|null
        sender_health object
        sender_health.{quality_event,quality_event_at,flagged_since,tier,tier_since} string|null
        sender_health.flagged bool
        sender_health.{configured_daily_limit,effective_daily_limit} number
        sender_health.paused_templates array
        sender_health.paused_templates[] object
        sender_health.paused_templates[].content_id number
        sender_health.paused_templates[].{name,paused_at} string
        sender_health.paused_templates[].{template_name,template_language,paused_reason} string|null
        jobs array
        jobs[] object
        jobs[].{job_key,cron} string
        jobs[].enabled bool
        jobs[].last_success_at string|null
        jobs[].{last_run,last_failure} object|null
        jobs[].{last_run,last_failure}.{run_id} number
        jobs[].{last_run,last_failure}.{status,node,started_at} string
        jobs[].{last_run,last_failure}.{finished_at,error} string|null
        jobs[].{last_run,last_failure}.duration_seconds number|null
        """;

    [SkippableFact]
    public async Task Json_HasExactlyThePinnedPaths_WithTheirKinds()
    {
        var json = await SmallBaseJsonAsync();

        var expected = ExpectedSchema();
        var actual = Paths(JsonDocument.Parse(json).RootElement);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, kinds) in actual)
        {
            Assert.True(kinds.IsSubsetOf(expected[path]), $"{path}: {string.Join("|", kinds)} is not {string.Join("|", expected[path])}");
        }
    }

    [SkippableFact]
    public async Task Json_OfAnEmptyBase_HoldsOnlyPinnedPaths_AndNullsWhereAllowed()
    {
        await using var db = await NewMigratedDatabaseAsync();
        using var host = new ReportSeed(db).Host();
        var report = await host.Services.GetRequiredService<ReportBuilder>().BuildAsync(Now, CancellationToken.None);

        var expected = ExpectedSchema();
        var actual = Paths(JsonDocument.Parse(ReportRenderer.ToJson(report)).RootElement);

        foreach (var (path, kinds) in actual)
        {
            Assert.True(expected.TryGetValue(path, out var allowed) && kinds.IsSubsetOf(allowed), $"{path}: {string.Join("|", kinds)}");
        }

        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(ReportRenderer.ToJson(report)).RootElement.GetProperty("dispatch_halt").ValueKind);
    }

    [SkippableFact]
    public async Task Json_Instants_AreUtcWithMilliseconds_AndDaysAreIsoDates()
    {
        var root = JsonDocument.Parse(await SmallBaseJsonAsync()).RootElement;

        Assert.Equal("2026-11-18T13:17:00.000Z", root.GetProperty("generated_at").GetString());
        Assert.Equal("2026-11-11T13:17:00.000Z", root.GetProperty("messages").GetProperty("since").GetString());
        var day = root.GetProperty("plan")[1];
        Assert.Equal("2026-11-19", day.GetProperty("send_day").GetString());
        Assert.Equal("2026-11-19T12:05:00.000Z", day.GetProperty("first_scheduled_at").GetString());
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        Assert.Equal(131048, root.GetProperty("dispatch_halt").GetProperty("error_code").GetInt32());
        Assert.Equal(4, root.GetProperty("messages").GetProperty("all_time").GetProperty("by_status").GetProperty("queued").GetInt64());
        Assert.Equal("Reposição", root.GetProperty("contents")[0].GetProperty("name").GetString());
        var sender = root.GetProperty("sender_health");
        Assert.Equal("2026-11-18T08:17:00.000Z", sender.GetProperty("flagged_since").GetString());
        Assert.Equal("TIER_250", sender.GetProperty("tier").GetString());
        Assert.Equal(125, sender.GetProperty("effective_daily_limit").GetInt32());
        Assert.Equal("outono_2026", sender.GetProperty("paused_templates")[0].GetProperty("template_name").GetString());
    }

    private async Task<string> SmallBaseJsonAsync()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.SmallBaseAsync();
        await seed.SenderSignalsAsync();
        using var host = seed.Host();
        var report = await host.Services.GetRequiredService<ReportBuilder>().BuildAsync(Now, CancellationToken.None);
        using var output = new StringWriter();
        ReportRenderer.Write(report, output, ReportFormat.Json);
        return output.ToString();
    }

    /// <summary>The <see cref="Schema"/> lines, with <c>{a,b}</c> expanded into one path per name.</summary>
    private static Dictionary<string, HashSet<string>> ExpectedSchema()
    {
        var schema = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in Schema.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (pattern, kinds) = (line[..line.LastIndexOf(' ')], line[(line.LastIndexOf(' ') + 1)..]);
            foreach (var path in Expand(pattern))
            {
                Assert.True(schema.TryAdd(path, [.. kinds.Split('|')]), $"{path} is listed twice");
            }
        }

        return schema;
    }

    private static IEnumerable<string> Expand(string pattern)
    {
        var match = Alternatives().Match(pattern);
        if (!match.Success)
        {
            return [pattern];
        }

        return match.Groups[1].Value.Split(',')
            .SelectMany(name => Expand(pattern[..match.Index] + name + pattern[(match.Index + match.Length)..]));
    }

    private static Dictionary<string, HashSet<string>> Paths(JsonElement root)
    {
        var paths = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        Walk(root, "$");
        return paths;

        void Walk(JsonElement element, string path)
        {
            if (!paths.TryGetValue(path, out var kinds))
            {
                paths[path] = kinds = [];
            }

            kinds.Add(element.ValueKind switch
            {
                JsonValueKind.Object => "object",
                JsonValueKind.Array => "array",
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "bool",
                _ => "null",
            });
            var prefix = path == "$" ? "" : path + ".";
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, prefix + property.Name);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, path + "[]");
                }
            }
        }
    }

    [GeneratedRegex(@"\{([^}]*)\}")]
    private static partial Regex Alternatives();
}

public sealed class SqliteReportJsonSchemaTests(SqliteEngine engine) : ReportJsonSchemaTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresReportJsonSchemaTests(PostgresEngine engine) : ReportJsonSchemaTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerReportJsonSchemaTests(SqlServerEngine engine) : ReportJsonSchemaTests(engine), IClassFixture<SqlServerEngine>;
