using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Quartz;
using Vinculo.Jobs;

namespace Vinculo.Hosting;

/// <summary>The <c>Scheduler</c> section: time zone, clustering and one entry per job key.</summary>
public sealed class SchedulerOptions : ISettingsSection, IValidatableObject
{
    public const string Section = "Scheduler";

    /// <summary>IANA id the cron schedules (and the business's calendar) are read in.</summary>
    public string TimeZone { get; set; } = "America/Sao_Paulo";

    /// <summary>Share one PostgreSQL or SQL Server database among several worker processes.</summary>
    public bool Clustered { get; set; }

    /// <summary>This node's name in a cluster and in <c>job_runs.node</c>; unique and stable per process. Defaults to the machine name.</summary>
    public string? InstanceId { get; set; }

    /// <summary>On shutdown, how long running jobs may go on before they are asked to stop.</summary>
    [SettingRange(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How many different jobs may run at once on one node (a job never runs twice at once).</summary>
    [SettingRange(1, 64)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// How long after a failed run a nightly job (one whose cron fires at least <see cref="SchedulerSetup.NightlyPeriod"/>
    /// apart) is run again. Jobs that fire more often are not retried: their next fire is soon anyway.
    /// </summary>
    [SettingRange(typeof(TimeSpan), "00:01:00", "06:00:00")]
    public TimeSpan RetryFailedAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How many times a failed nightly run is retried before its next cron fire (0 turns retries off).</summary>
    [SettingRange(0, 10, ErrorMessage = "'{0}' deve estar entre {1} e {2} (0 desliga as novas tentativas).")]
    public int RetryAttempts { get; set; } = 3;

    public Dictionary<string, JobScheduleOptions> Jobs { get; set; } = new(StringComparer.Ordinal);

    public string Node => string.IsNullOrWhiteSpace(InstanceId) ? Environment.MachineName : InstanceId.Trim();

    public TimeZoneInfo TimeZoneInfo => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    string ISettingsSection.SectionName => Section;

    /// <summary>The zone and the node's name; the jobs are checked by <see cref="SchedulerJobsValidator"/>, which knows which exist.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsKnownTimeZone(TimeZone))
        {
            yield return SettingProblem.At($"{Section}:{nameof(TimeZone)}", $"'{TimeZone}' não é um fuso horário conhecido; use um id IANA como America/Sao_Paulo.");
        }

        if (InstanceId is { Length: > 200 })
        {
            yield return SettingProblem.At($"{Section}:{nameof(InstanceId)}", "use no máximo 200 caracteres.");
        }
    }

    private static bool IsKnownTimeZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return false;
        }
    }
}

public sealed class JobScheduleOptions
{
    /// <summary>Quartz cron expression (seconds first), e.g. <c>0 0 2 * * ?</c> for 02:00 daily.</summary>
    public string? Cron { get; set; }

    public bool Enabled { get; set; } = true;
}

/// <summary>The <c>Scheduler</c> rules: the ranges on <see cref="SchedulerOptions"/>' settings and its own checks.</summary>
[OptionsValidator]
internal sealed partial class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>;

/// <summary>
/// The <c>Scheduler</c> rules that need more than the section: which job keys exist (the registered jobs) and which
/// engine is in use (the <c>Database</c> section). A generated validator cannot be given either, so these stay by hand.
/// </summary>
internal sealed class SchedulerJobsValidator(IEnumerable<JobDefinition> jobs, IConfiguration configuration)
    : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        var failures = new List<string>();
        // Read from configuration rather than DatabaseOptions, so a bad Database section is reported once, by its own validator.
        var provider = DatabaseOptions.ParseProvider(configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"] ?? Data.SqlDialect.DefaultProvider.ToString());
        if (options.Clustered && provider is { } engine && !Data.SqlDialect.CanClusterOn(engine))
        {
            failures.Add($"Scheduler:Clustered: 'true' não é possível com Database:Provider {engine} (um arquivo embutido atende um só nó); use {string.Join(" ou ", Data.SqlDialect.ClusterCapable)} para rodar em cluster.");
        }

        var known = new HashSet<string>(JobCatalog.SpecifiedKeys, StringComparer.Ordinal);
        known.UnionWith(jobs.Select(j => j.Key));
        foreach (var (key, job) in options.Jobs)
        {
            if (!known.Contains(key))
            {
                failures.Add($"Scheduler:Jobs:{key}: chave de job desconhecida; as conhecidas são {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
                continue;
            }

            if (job.Cron is null)
            {
                continue;
            }

            if (!CronExpression.TryParse(job.Cron, out var cron))
            {
                failures.Add($"Scheduler:Jobs:{key}:Cron: '{job.Cron}' não é uma expressão cron válida do Quartz (segundos minutos horas dia-do-mês mês dia-da-semana, ex.: '0 0 2 * * ?').");
            }
            else if (cron.GetNextValidTimeAfter(DateTimeOffset.UnixEpoch.AddYears(56)) is null)
            {
                // A date in 2026 rather than the clock: validation must not depend on when it runs.
                failures.Add($"Scheduler:Jobs:{key}:Cron: '{job.Cron}' nunca dispara; confira o dia, o mês e o ano.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
